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
import { hit, peek, retryAfterText } from "@/lib/limits/store";
import { LIMITS, type KeyedLimit } from "@/lib/limits/catalogue";
import { getSettings } from "@/lib/settings";

const BROWSER_COOKIE = "lk_browser";
const BROWSER_COOKIE_DAYS = 365;

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
    for (const limit of [LIMITS.smsPerBrowserHour(client.browserId), LIMITS.smsPerBrowserDay(client.browserId)]) {
      const r = await hit(limit);
      if (!r.success) throw tooMany(r.resetAt, field);
    }
    return;
  }
  const r = await hit(LIMITS.smsAnonymous());
  if (!r.success) {
    throw new UserError(
      ErrorCodes.RATE_LIMITED,
      `Too many codes were requested. Try again in ${retryAfterText(r.resetAt)}${client.pow === "missing" ? ", or turn on JavaScript in your browser" : ""}.`,
      field,
    );
  }
}

/** The new-number limit in force now: the admin's hourly figure, halved for each time it was reached today. */
export async function newNumberLimit(): Promise<KeyedLimit> {
  const { newNumbersHourly } = await getSettings("sms");
  const refusals = (await peek(LIMITS.smsNewNumberRefusals())).count;
  // 1 refusal halves it, 10 quarter it, 100 divide it by 8, …
  const level = refusals > 0 ? 1 + Math.floor(Math.log10(refusals)) : 0;
  return LIMITS.smsNewNumbers(Math.max(NEW_NUMBERS_FLOOR, Math.floor(newNumbersHourly / 2 ** level)));
}

/** Charges one SMS to a number being added (registration, confirmation, SMS set-up) against the site-wide limit. */
export async function chargeNewNumber(field = "phone") {
  const r = await hit(await newNumberLimit());
  if (r.success) return;
  await hit(LIMITS.smsNewNumberRefusals());
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
