import "server-only";
// The limits an SMS code request passes before any account lookup, and giving the cooldown back after a failed delivery.
import { and } from "drizzle-orm";
import { RESEND_COOLDOWN_SECONDS, type CodePurpose } from "@/lib/codes";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { clear, hit, retryAfterText } from "@/lib/limits/store";
import { sendPhoneCode, smsAllowedFor } from "@/lib/codes/send";

/**
 * Checks every limit that must look the same whether or not an account exists, before any lookup:
 * the allowlist, the 30-second cooldown and 5 sends per 10 minutes per number.
 */
export async function preSendChecks(purpose: CodePurpose, phone: string, field = "phone") {
  if (!(await smsAllowedFor(phone))) throw new UserError(ErrorCodes.NOT_ALLOWED, "We can't send text messages to this country.", field);
  const cool = await hit(`sms-cooldown:${purpose}:${phone}`, { max: 1, windowSeconds: RESEND_COOLDOWN_SECONDS });
  if (!cool.success) throw new UserError(ErrorCodes.RESEND_COOLDOWN, `Please wait ${retryAfterText(cool.resetAt)} before asking for a new code.`, field);
  const sends = await hit(`sms-start:${purpose}:${phone}`, { max: 5, windowSeconds: 600 });
  if (!sends.success) throw new UserError(ErrorCodes.RATE_LIMITED, `Too many codes were requested. Try again in ${retryAfterText(sends.resetAt)}.`, field);
}

/** Sends a code after preSendChecks; a failed delivery gives the cooldown back, so the user can retry at once. */
export async function sendAfterChecks(purpose: CodePurpose, input: Parameters<typeof sendPhoneCode>[0]) {
  try {
    await sendPhoneCode(input);
  } catch (err) {
    if (err instanceof UserError && err.code === ErrorCodes.DELIVERY_FAILED) await clear(`sms-cooldown:${purpose}:${input.phone}`);
    throw err;
  }
}
