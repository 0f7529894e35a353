import "server-only";
// How an SMS provider call failed: an admin-facing detail (no secrets, no message body) and, where the
// provider's reason is safe and useful to show the person who asked for the SMS, a user-facing message.
import type { SmsProviderName } from "@/lib/settings";

export type SmsFailureKind =
  | "config" // missing or unusable credentials: an admin must act
  | "timeout" // no answer within LATCHKEY_SMS_TIMEOUT_MS
  | "network" // connection refused, reset, DNS…
  | "auth" // the provider rejected the credentials
  | "rejected" // the provider refused this message (bad number, opted out, region…)
  | "unavailable"; // the provider answered 5xx or something unreadable

export class SmsProviderError extends Error {
  constructor(
    public provider: SmsProviderName,
    public kind: SmsFailureKind,
    /** Admin-facing: may be detailed, never holds credentials or the message body. */
    public detail: string,
    /** User-facing: set only when the provider's reason is safe and helpful to show. */
    public userMessage?: string,
  ) {
    super(`${provider}: ${detail}`);
    this.name = "SmsProviderError";
  }
}

/** Reasons every provider can report, in words a person who typed their number can act on. */
export const SAFE_REASONS = {
  invalidNumber: "That phone number isn't valid. Check it, including the country code, and try again.",
  notMobile: "That number can't receive text messages. Use a mobile number.",
  optedOut: "This number has opted out of our text messages (it replied STOP). Reply START to us from that phone, then try again.",
  regionBlocked: "We can't send text messages to that country.",
  unroutable: "We can't send a text message to that number. Check it or use another number.",
} as const;

/** "+1•••••••4567": enough for an admin to recognise a number in the log, not to reuse it. */
export function maskNumber(e164: string): string {
  if (e164.length <= 6) return "•••";
  return `${e164.slice(0, 2)}${"•".repeat(Math.max(3, e164.length - 6))}${e164.slice(-4)}`;
}
