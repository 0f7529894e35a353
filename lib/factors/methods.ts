import "server-only";
// Which second factors an account can use now (T1, T2, T10, T11), and which it may set up when it has none.
import { type User } from "@/db/schema";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { remainingRecoveryCodes } from "@/lib/factors/recovery-codes";
import { type TwoFactorMethod } from "@/lib/settings";
import { countCredentials } from "@/lib/factors/webauthn";
import { type Policy } from "@/lib/factors/policy";

export type SecondFactor = TwoFactorMethod | "recovery";

export type MethodsView = {
  primary: TwoFactorMethod;
  backup: TwoFactorMethod | null;
  /** Methods this user has set up and may use now. */
  available: TwoFactorMethod[];
  recoveryCodes: number;
  /** sms_then_email: a code may go to the account's confirmed address instead of the phone. */
  emailFallback: boolean;
  /** T11: with nothing set up, the methods the user may set up right after the first factor. */
  enrol: TwoFactorMethod[];
};

const ORDER: TwoFactorMethod[] = ["sms", "email", "totp", "webauthn"];

/**
 * The second factors this user can use now. SMS needs the method allowed, the SMS right, a
 * delivery policy that sends SMS and a confirmed phone; email codes need the address confirmed as
 * a method (T7); the app and keys need an enrolment. `email_only` sends the SMS method's codes by
 * email. With none of them, `enrol` lists what may be set up (T11), the default method first.
 */
export async function methodsFor(user: User, policy: Policy): Promise<MethodsView> {
  const allowed = new Set(policy.allowedMethods);
  const keys = allowed.has("webauthn") ? await countCredentials(user.id) : 0;
  const smsAllowed = allowed.has("sms") && user.canReceiveSms && policy.deliveryPolicy !== "email_only";
  const emailAllowed = (allowed.has("email") || policy.deliveryPolicy === "email_only") && Boolean(user.email);
  // The delivery policy's email codes go to the account's address; a right code confirms it.
  const hasEmail = Boolean(user.email);
  const phoneMethod = allowed.has("sms") && user.canReceiveSms && Boolean(user.phoneVerifiedAt);
  const available: TwoFactorMethod[] = [];
  if (smsAllowed && user.phoneVerifiedAt) available.push("sms");
  if (emailAllowed && (user.twoFactorEmailConfirmedAt || (policy.deliveryPolicy === "email_only" && phoneMethod))) available.push("email");
  if (allowed.has("totp") && user.totpSecret) available.push("totp");
  if (keys > 0) available.push("webauthn");
  const pick = (m: string | null | undefined) => (m && available.includes(m as TwoFactorMethod) ? (m as TwoFactorMethod) : null);
  const fallbackDefault = policy.deliveryPolicy === "email_only" && policy.defaultMethod === "sms" ? "email" : policy.defaultMethod;
  const enrol: TwoFactorMethod[] = [];
  if (!available.length) {
    const can = { sms: smsAllowed, email: emailAllowed, totp: allowed.has("totp"), webauthn: allowed.has("webauthn") };
    for (const m of [fallbackDefault, ...ORDER]) if (can[m] && !enrol.includes(m)) enrol.push(m);
  }
  const primary = pick(user.primaryMethod) ?? pick(fallbackDefault) ?? available[0] ?? enrol[0] ?? "email";
  const backup = pick(user.backupMethod);
  return {
    primary,
    backup: backup === primary ? null : backup,
    available,
    recoveryCodes: await remainingRecoveryCodes(user.id),
    emailFallback: policy.deliveryPolicy === "sms_then_email" && hasEmail && available.includes("sms"),
    enrol,
  };
}

/** Whether this sign-in may use `method` now: set up, the email fallback, a recovery code, or being set up (T11). */
export function mayUse(methods: MethodsView, method: SecondFactor) {
  if (method === "recovery") return methods.recoveryCodes > 0;
  return methods.available.includes(method) || methods.enrol.includes(method) || (method === "email" && methods.emailFallback);
}

/**
 * T10: whether a first factor passes Latchkey's own second step. A phone-code sign-in is the SMS
 * factor when SMS is the account's main method; a user-verified security key is two factors by
 * itself. What apps are told is `provesTwoFactors`: there a phone code stays one factor.
 */
export function firstFactorSatisfies(firstFactor: string, methods: MethodsView, userVerified = false) {
  if (firstFactor === "webauthn") return userVerified;
  if (firstFactor === "sms_code") return methods.primary === "sms";
  return false;
}

// What each part of a session's method ("password+totp", "sms_code", "email_confirmation+email",
// "password+trusted_device", …) proves: a phone-code sign-in and an SMS code are the same phone, an
// email confirmation and an email code the same inbox. `session` (a first factor not recorded)
// proves nothing here.
const FACTOR_OF: Record<string, string> = {
  password: "password",
  sms_code: "phone",
  sms: "phone",
  email_confirmation: "inbox",
  email: "inbox",
  totp: "app",
  recovery: "recovery code",
  webauthn: "security key",
  trusted_device: "trusted device",
};

const factorsOf = (method: string | null) =>
  new Set(
    (method ?? "")
      .split("+")
      .map((part) => FACTOR_OF[part.replace(/_enrolled$/, "")])
      .filter((f): f is string => Boolean(f)),
  );

/**
 * Whether a session proved two different factors: what apps are told (amr `mfa`, the two-step acr)
 * and what an app's two-step request needs. Latchkey's own pages go by the session's second step
 * (`secondFactorAt`), which a phone code alone may pass (`firstFactorSatisfies`); one phone is still
 * one factor. A security key alone counts only when it passed the second step (user-verified).
 */
export function provesTwoFactors(method: string | null, secondFactorPassed: boolean): boolean {
  if (!secondFactorPassed) return false;
  if (method === "webauthn") return true;
  return factorsOf(method).size >= 2;
}

/** Whether `second` would add a factor to a session opened by `method` (not the same phone or inbox again). */
export function addsFactor(method: string | null, second: SecondFactor): boolean {
  return !factorsOf(method).has(FACTOR_OF[second]!);
}
export const notOffered = () => new UserError(ErrorCodes.NOT_ALLOWED, "This method is not available for your account. Choose another method.");
