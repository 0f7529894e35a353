import "server-only";
// Delivering one-time codes by SMS or email: allowlist, send budgets (S8), issue, deliver, undo on failure.
import { issueCode, discardCode, type CodePurpose } from "@/lib/codes";
import { sendEmail } from "@/lib/delivery/email";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hit, retryAfterText, type Limit } from "@/lib/limits/store";
import { getSettings } from "@/lib/settings";
import { sendSms, smsAllowedFor } from "@/lib/delivery/sms";

const DAY = 86_400;
export const SMS_LIMITS = {
  perIp: { max: 20, windowSeconds: 60 * 60 },
  perAccount: { max: 10, windowSeconds: 60 * 60 },
  // Numbers under one prefix (SMS pumping walks sequential numbers): per country code + first digits.
  perPrefix: { max: 50, windowSeconds: 60 * 60 },
} satisfies Record<string, Limit>;

const SMS_TEXT: Record<CodePurpose, string> = {
  phone_confirm: "Your Latchkey confirmation code is",
  phone_login: "Your Latchkey sign-in code is",
  phone_register: "Your Latchkey registration code is",
  recovery: "Your Latchkey password reset code is",
  two_factor: "Your Latchkey security code is",
  email_confirm: "Your Latchkey confirmation code is",
  method_confirm: "Your Latchkey confirmation code is",
  email_change: "Your Latchkey confirmation code is",
};

export { smsAllowedFor } from "@/lib/delivery/sms";

async function enforce(key: string, limit: Limit, message: (wait: string) => string, field?: string) {
  const r = await hit(key, limit);
  if (!r.success) throw new UserError(ErrorCodes.RATE_LIMITED, message(retryAfterText(r.resetAt)), field);
}

/**
 * Sends a code by SMS. Every budget is checked before the provider is called, so a refused
 * request costs nothing; a failed delivery removes the new code, so nothing is consumed.
 */
export async function sendPhoneCode(input: { purpose: CodePurpose; phone: string; userId?: string | null; ip?: string | null; field?: string }) {
  const field = input.field ?? "phone";
  if (!(await smsAllowedFor(input.phone))) {
    throw new UserError(ErrorCodes.NOT_ALLOWED, "We can't send text messages to this country.", field);
  }
  const sms = await getSettings("sms");
  const tooMany = (w: string) => `Too many codes were requested. Try again in ${w}.`;
  if (input.ip) await enforce(`sms-ip:${input.ip}`, SMS_LIMITS.perIp, tooMany, field);
  if (input.userId) await enforce(`sms-account:${input.userId}`, SMS_LIMITS.perAccount, tooMany, field);
  await enforce(`sms-prefix:${input.phone.slice(0, 8)}`, SMS_LIMITS.perPrefix, tooMany, field);
  await enforce(`sms-number-day:${input.phone}`, { max: sms.perNumberDaily, windowSeconds: DAY }, () => "This number has received too many codes today. Try again tomorrow.", field);
  await enforce(`sms-global-day`, { max: sms.globalDaily, windowSeconds: DAY }, () => "Text messages are unavailable right now. Try again later or use email.", field);
  const issued = await issueCode({ purpose: input.purpose, target: input.phone, userId: input.userId });
  try {
    await sendSms({ to: input.phone, body: `${SMS_TEXT[input.purpose]} ${issued.code}. It expires in 10 minutes.`, code: issued.code });
  } catch (err) {
    await discardCode(issued.id);
    if (err instanceof UserError) throw new UserError(err.code, err.message, field);
    throw err;
  }
}

/** Sends a code (and optionally a link) by email with the given template. */
export async function sendEmailCode(input: {
  purpose: CodePurpose;
  email: string;
  userId?: string | null;
  withLink?: boolean;
  template: (code: string, linkToken?: string) => { subject: string; text: string; html: string };
}) {
  const issued = await issueCode({ purpose: input.purpose, target: input.email, userId: input.userId, withLink: input.withLink });
  try {
    await sendEmail({ to: input.email, ...input.template(issued.code, issued.linkToken) });
  } catch (err) {
    await discardCode(issued.id);
    throw err;
  }
}
