import "server-only";
// Who asks for text messages while signed out (S8), without relying on the client IP: a browser known
// by a signed cookie has its own budget; a request without that cookie, or without the form's proof of
// work (no JavaScript, or a script), counts against a smaller budget shared by all such requests; and
// SMS to numbers being added (registration, confirmation, SMS set-up) have a site-wide hourly limit
// that halves each time it was reached in the last day.
import { cookies } from "next/headers";
import { createHmac } from "node:crypto";
import { env } from "@/lib/env";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { randomToken, safeEqual } from "@/lib/crypto";
import { verifyPow, type PowOutcome } from "@/lib/limits/proof-of-work";
import { hit, peek, retryAfterText, type Limit } from "@/lib/limits/store";
import { getSettings } from "@/lib/settings";

const BROWSER_COOKIE = "lk_browser";
const BROWSER_COOKIE_DAYS = 365;

export const SMS_CLIENT_LIMITS = {
  // One browser (cookie) that solved the proof of work.
  perBrowserHour: { max: 5, windowSeconds: 60 * 60 },
  perBrowserDay: { max: 15, windowSeconds: 24 * 60 * 60 },
  // Every request without a known browser or without a proof of work, together.
  anonymousHour: { max: 10, windowSeconds: 60 * 60 },
  // How many times the new-number limit was reached in the last day (each one halves it).
  newNumberRefusals: { max: 1_000_000, windowSeconds: 24 * 60 * 60 },
} satisfies Record<string, Limit>;

/** The lowest the new-number limit goes, per hour. */
const NEW_NUMBERS_FLOOR = 2;

export type SmsClient = { browserId: string | null; pow: PowOutcome };

const sign = (id: string) => createHmac("sha256", `${env().secret}:browser`).update(id).digest("base64url");

/** The browser's id from its signed cookie, or null (none, or tampered with). */
export async function browserId(): Promise<string | null> {
  const raw = (await cookies()).get(BROWSER_COOKIE)?.value;
  if (!raw || raw.length > 200) return null;
  const [id, mac] = raw.split(".");
  return id && mac && safeEqual(mac, sign(id)) ? id : null;
}

/** Gives this browser its id cookie when it has none (long-lived, httpOnly, signed). */
export async function ensureBrowserId(): Promise<string> {
  const existing = await browserId();
  if (existing) return existing;
  const id = randomToken(16);
  (await cookies()).set(BROWSER_COOKIE, `${id}.${sign(id)}`, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().baseUrl.startsWith("https://"),
    path: "/",
    maxAge: BROWSER_COOKIE_DAYS * 86_400,
  });
  return id;
}

const tooMany = (resetAt: Date, field: string) =>
  new UserError(ErrorCodes.RATE_LIMITED, `Too many codes were requested from this browser. Try again in ${retryAfterText(resetAt)}.`, field);

/**
 * Charges one SMS request to its client: the browser's own budget when it is known and solved the
 * proof of work, otherwise the shared anonymous budget. The same for every number, with or without
 * an account.
 */
export async function chargeSmsClient(client: SmsClient, field = "phone") {
  if (client.pow === "verified" && client.browserId) {
    for (const [key, limit] of [
      [`sms-browser:${client.browserId}`, SMS_CLIENT_LIMITS.perBrowserHour],
      [`sms-browser-day:${client.browserId}`, SMS_CLIENT_LIMITS.perBrowserDay],
    ] as const) {
      const r = await hit(key, limit);
      if (!r.success) throw tooMany(r.resetAt, field);
    }
    return;
  }
  const r = await hit("sms-anonymous", SMS_CLIENT_LIMITS.anonymousHour);
  if (!r.success) {
    throw new UserError(
      ErrorCodes.RATE_LIMITED,
      `Too many codes were requested. Try again in ${retryAfterText(r.resetAt)}${client.pow === "missing" ? ", or turn on JavaScript in your browser" : ""}.`,
      field,
    );
  }
}

/** The new-number limit in force now: the admin's hourly figure, halved for each time it was reached today. */
export async function newNumberLimit(): Promise<Limit> {
  const { newNumbersHourly } = await getSettings("sms");
  const refusals = (await peek("sms-new-number-refusals", SMS_CLIENT_LIMITS.newNumberRefusals)).count;
  // 1 refusal halves it, 10 quarter it, 100 divide it by 8, …
  const level = refusals > 0 ? 1 + Math.floor(Math.log10(refusals)) : 0;
  return { max: Math.max(NEW_NUMBERS_FLOOR, Math.floor(newNumbersHourly / 2 ** level)), windowSeconds: 60 * 60 };
}

/** Charges one SMS to a number being added (registration, confirmation, SMS set-up) against the site-wide limit. */
export async function chargeNewNumber(field = "phone") {
  const r = await hit("sms-new-numbers", await newNumberLimit());
  if (r.success) return;
  await hit("sms-new-number-refusals", SMS_CLIENT_LIMITS.newNumberRefusals);
  throw new UserError(ErrorCodes.RATE_LIMITED, `Text messages to new numbers are paused for a while. Try again in ${retryAfterText(r.resetAt)}.`, field);
}

/**
 * The client of a signed-out form that sends an SMS, from its `altcha` field and this browser's
 * cookie. A browser without the cookie gets one for its next request; this one counts as anonymous.
 */
export async function smsClientOf(powField: unknown): Promise<SmsClient> {
  const pow = await verifyPow(powField);
  const id = await browserId();
  if (!id) await ensureBrowserId();
  return { browserId: id, pow };
}
