import "server-only";
// The sign-in flow: identify the account, check the first factor, open a new session.
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { findUserByConfirmedPhone, findUserByEmail, checkPassword } from "../accounts";
import { audit } from "../audit";
import { clientIp, userAgent } from "../request";
import { createSession, revokeSessionByToken } from "./sessions";
import { signIn, signOut } from "./next-auth";
import { currentSession } from "./current";
import { getSettings } from "../settings";
import { redirect } from "next/navigation";
import type { User } from "@/db/schema";
import {
  completeChallenge,
  createChallenge,
  firstFactorSatisfies,
  loadPolicy,
  methodsFor,
  needsSecondFactor,
  surfaceOf,
  type Challenge,
} from "../two-factor";
import { isTrustedDevice, rememberDevice } from "../trusted-devices";
import { assertNotBlocked } from "../blocking";
import { takeSignUpMark } from "./sign-up-browser";
import { afterEnrolment } from "../two-factor-methods";
import { clearFlow, readFlow, setFlow } from "../flow-cookie";
import { decryptSecret, encryptSecret } from "../crypto";
import type { TwoFactorMethod } from "../settings";

/** Finds the account for "Email or phone": an address, or a number in any common format. */
export async function findByIdentifier(identifier: string) {
  const id = identifier.trim();
  if (id.includes("@")) {
    const email = id.toLowerCase();
    return { key: `email:${email}`, user: await findUserByEmail(email) };
  }
  const { defaultCountry } = await getSettings("regional");
  const phone = parsePhoneNumberFromString(id, defaultCountry as CountryCode);
  if (!phone?.isValid()) return { key: `raw:${id.toLowerCase()}`, user: null };
  return { key: `phone:${phone.number}`, user: await findUserByConfirmedPhone(phone.number) };
}

/** Password sign-in: the first factor; the 2FA policy then decides between a session and /login/verify. */
export async function signInWithPassword(input: { identifier: string; password: string; next: string }) {
  const ip = await clientIp();
  const found = await findByIdentifier(input.identifier);
  const user = await checkPassword({ user: found.user, identifierKey: found.key, password: input.password, ip });
  await afterFirstFactor(user, "password", input.next);
}

/** Opens a fresh session (never reusing the previous one: no fixation) and redirects. */
/**
 * Opens a session and hands it to the browser. `claim` (the second step's challenge) is completed
 * only once the session row exists, so a database failure before that leaves the sign-in where it
 * was and "try again" works; a claim lost to a parallel submission drops the new session.
 */
export async function startSession(
  userId: string,
  next: string,
  method: string,
  opts: { secondFactor?: boolean; claim?: () => Promise<boolean> } = {},
): Promise<never> {
  const ip = await clientIp();
  const previous = await currentSession();
  const sessionToken = await createSession(userId, { userAgent: await userAgent(), ip, method, secondFactor: opts.secondFactor });
  if (opts.claim && !(await opts.claim())) {
    await revokeSessionByToken(sessionToken);
    redirect("/login?expired=1");
  }
  if (previous) await revokeSessionByToken(previous.token);
  await audit({ action: "signin.succeeded", userId, actorId: userId, ip, detail: { method, secondFactor: Boolean(opts.secondFactor) } });
  await signIn("credentials", { sessionToken, redirectTo: next });
  throw new Error("unreachable: signIn redirects");
}

export async function signOutCurrent() {
  const c = await currentSession();
  if (c) {
    await revokeSessionByToken(c.token);
    await audit({ action: "signout", userId: c.user.id, actorId: c.user.id });
  }
  await signOut({ redirectTo: "/login" });
}

/**
 * After the first factor (password, phone code, email confirmation, security key): the one place
 * where the 2FA policy decides between a session and the verify step (T3, T10, B4).
 */
export async function afterFirstFactor(user: User, firstFactor: string, next: string, opts: { userVerified?: boolean } = {}): Promise<never> {
  // A9: from its blocking date an account signs in by no route at all.
  await assertNotBlocked(user);
  const policy = await loadPolicy();
  const surface = surfaceOf(next);
  if (!needsSecondFactor(user, policy, surface)) return startSession(user.id, next, firstFactor);
  const methods = await methodsFor(user, policy);
  if (firstFactorSatisfies(firstFactor, methods, opts.userVerified)) return startSession(user.id, next, firstFactor, { secondFactor: true });
  if (await isTrustedDevice(user.id)) return startSession(user.id, next, `${firstFactor}+trusted_device`, { secondFactor: true });
  // No session yet: only the verify step accepts this state.
  await createChallenge({ userId: user.id, firstFactor, surface, next });
  await audit({ action: "signin.first_factor", userId: user.id, actorId: user.id, ip: await clientIp(), detail: { method: firstFactor } });
  redirect("/login/verify");
}

/**
 * After an email address was confirmed by code or link: the browser that signed up with it is
 * signed in (the first confirmation of a new account only, through the 2FA policy); any other
 * browser is told to sign in. A browser already signed in to that account just goes on.
 */
export async function signInAfterConfirmation(user: User, firstConfirmation: boolean): Promise<never> {
  const current = await currentSession();
  if (current?.user.id === user.id) redirect("/dashboard");
  const sameBrowser = await takeSignUpMark(user.email);
  if (firstConfirmation && sameBrowser && user.status !== "blocked") await afterFirstFactor(user, "email_confirmation", "/dashboard");
  redirect("/login?confirmed=1");
}

/** The second factor passed: the challenge is used once, the device remembered if asked, a new session opened. */
export async function finishSecondFactor(challenge: Challenge, method: string, remember: boolean, onClaimed?: () => Promise<void>): Promise<never> {
  return startSession(challenge.userId, challenge.next, `${challenge.firstFactor}+${method}`, {
    secondFactor: true,
    claim: async () => {
      if (!(await completeChallenge(challenge.id))) return false;
      if (remember) await rememberDevice(challenge.userId, await userAgent());
      await onClaimed?.();
      return true;
    },
  });
}

const ENROLLED = "two_factor_enrolled";
type Enrolled = { c: string; m: TwoFactorMethod; r: boolean; codes: string };

/**
 * A first method was set up during sign-in (T11). Its recovery codes (the first enrolment makes
 * them) are shown once on the verify page before the session opens; they wait, sealed, in a
 * short-lived cookie of this browser. Without new codes the sign-in finishes at once.
 */
export async function finishEnrolment(challenge: Challenge, method: TwoFactorMethod, remember: boolean): Promise<never> {
  const { codes } = await afterEnrolment(challenge.userId, method);
  if (!codes) return finishSecondFactor(challenge, `${method}_enrolled`, remember);
  await setFlow(ENROLLED, { c: challenge.id, m: method, r: remember, codes: encryptSecret(codes.join(" ")) } satisfies Enrolled, 10 * 60);
  redirect("/login/verify");
}

/** The recovery codes waiting to be shown for this challenge, or null. */
export async function enrolledRecoveryCodes(challenge: Challenge): Promise<string[] | null> {
  const flow = await readFlow<Enrolled>(ENROLLED);
  if (!flow || flow.c !== challenge.id) return null;
  try {
    return decryptSecret(flow.codes).split(" ");
  } catch {
    return null;
  }
}

/** "Continue" after the recovery codes: the sign-in finishes. */
export async function continueAfterEnrolment(challenge: Challenge): Promise<never> {
  const flow = await readFlow<Enrolled>(ENROLLED);
  if (!flow || flow.c !== challenge.id) redirect("/login/verify");
  // The codes stay in their cookie until the sign-in has really finished: a failure before that
  // shows an error with "Continue" still there.
  return finishSecondFactor(challenge, `${flow.m}_enrolled`, flow.r, () => clearFlow(ENROLLED));
}
