// Stable error codes and the user-facing error type. The UI shows `message`; tests assert `code`.
export const ErrorCodes = {
  INVALID_INPUT: "INVALID_INPUT",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  ACCOUNT_BLOCKED: "ACCOUNT_BLOCKED",
  INVALID_CODE: "INVALID_CODE",
  CODE_EXPIRED: "CODE_EXPIRED",
  CODE_USED: "CODE_USED",
  TOO_MANY_ATTEMPTS: "TOO_MANY_ATTEMPTS",
  RATE_LIMITED: "RATE_LIMITED",
  RESEND_COOLDOWN: "RESEND_COOLDOWN",
  EMAIL_IN_USE: "EMAIL_IN_USE",
  PHONE_IN_USE: "PHONE_IN_USE",
  WEAK_PASSWORD: "WEAK_PASSWORD",
  WRONG_PASSWORD: "WRONG_PASSWORD",
  NOT_ALLOWED: "NOT_ALLOWED",
  STEP_UP_REQUIRED: "STEP_UP_REQUIRED",
  ACCOUNT_PENDING: "ACCOUNT_PENDING",
  LIMIT_REACHED: "LIMIT_REACHED",
  NOT_FOUND: "NOT_FOUND",
  DELIVERY_FAILED: "DELIVERY_FAILED",
  UNAVAILABLE: "UNAVAILABLE",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** An error whose message is safe to show to the user, optionally attached to one form field. */
export class UserError extends Error {
  constructor(
    public code: ErrorCode,
    message: string,
    public field?: string,
    /** When asking again is allowed (a code's cooldown): the form counts down to it. */
    public retryAt?: Date,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** The form-level line when fields are refused: "1 field needs attention." / "2 fields need attention." */
export const fieldsNeedAttention = (n: number) => (n === 1 ? "1 field needs attention." : `${n} fields need attention.`);
