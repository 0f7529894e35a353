import "server-only";
// The sign-in flow: identify the account, check the first factor, open a new session.
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import type { SQL } from "drizzle-orm";
import { cookies } from "next/headers";
import { accountByConfirmedPhone, accountByEmail } from "@/lib/accounts/queries";
import { tryPassword } from "@/lib/accounts/password";
import { audit, auditSql } from "@/lib/audit";
import { clear, clearSql, countsInPostgres } from "@/lib/limits/store";
import type { KeyedLimit } from "@/lib/limits/catalogue";
import { clientIp, userAgent } from "../request";
import { newSession, revokeByTokenSql, revokeSessionByToken, writeSession, writeSessionWith, type NewSession } from "./sessions";
import { clearSessionCookie, sessionCookieName, sessionTokenFromCookie, setSessionCookie } from "./cookie";
import { safeNext } from "@/lib/shared/safe-next";
import { currentSession } from "./current";
import { getSettings, TWO_FACTOR_METHODS } from "../settings";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { User } from "@/db/schema";
import { checkSecondFactor, checkSecurityKey, SignInAlreadyFinished, type FactorOutcome } from "@/lib/factors/verify";
import {
  clearChallengeCookie,
  completeChallenge,
  createChallenge,
  newChallenge,
  setChallengeCookie,
  writeChallenge,
  type Challenge,
  type NewChallenge,
} from "@/lib/factors/challenge";
import { type SecondFactor, firstFactorSatisfies, methodsFor } from "@/lib/factors/methods";
import { loadPolicy, needsSecondFactor, surfaceOf, type Surface } from "@/lib/factors/policy";
import { isTrustedDevice, rememberDeviceRow, setDeviceCookie, type RememberedDevice } from "@/lib/factors/trusted-devices";
import { assertNotBlocked } from "../blocking";
import { takeSignUpMark } from "./sign-up-browser";
import { defineFlow } from "@/lib/flows";
import { decryptSecret, encryptSecret } from "../crypto";
import type { TrustedDeviceDuration, TwoFactorMethod } from "../settings";
import { db, type Db as Tx } from "@/lib/db";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";

/** The account "Email or phone" names (an address, or a number in any common format) and the key its tries count under. */
export async function identify(identifier: string): Promise<{ key: string; account: SQL | null }> {
  const id = identifier.trim();
  if (id.includes("@")) {
    const email = id.toLowerCase();
    return { key: `email:${email}`, account: accountByEmail(email) };
  }
  const { defaultCountry } = await getSettings("regional");
  const phone = parsePhoneNumberFromString(id, defaultCountry as CountryCode);
  if (!phone?.isValid()) return { key: `raw:${id.toLowerCase()}`, account: null };
  return { key: `phone:${phone.number}`, account: accountByConfirmedPhone(phone.number) };
}

/**
 * Password sign-in: the first factor; the 2FA policy then decides between a session and /login/verify.
 * Without a second step it is two statements (the try counted with the account found; the session
 * opened with its audit entry and the count cleared), and one more for the settings once a second.
 */
export async function signInWithPassword(input: { identifier: string; password: string; next: string }) {
  const ip = await clientIp();
  const { key, account } = await identify(input.identifier);
  const { user, countedAs } = await tryPassword({ account, identifierKey: key, password: input.password, ip });
  await afterFirstFactor(user, "password", input.next, { clears: countedAs });
}

/**
 * A sign-in about to open a session (never reusing the previous one: no fixation). Everything that
 * needs a query is read here, so that `write` can run inside the transaction that consumes the last
 * factor; `complete` then sets the cookies and redirects.
 */
export type Opening = {
  userId: string;
  next: string;
  secondFactor: boolean;
  ip: string | null;
  userAgent: string;
  session: NewSession;
  deviceDuration: TrustedDeviceDuration;
  /** The pending second step this sign-in finishes, used once; and "Remember this device". */
  claim?: { challengeId: string; remember: boolean };
};

export async function prepareOpening(userId: string, next: string, opts: { secondFactor?: boolean; claim?: Opening["claim"] } = {}): Promise<Opening> {
  const ip = await clientIp();
  const ua = await userAgent();
  const [session, { trustedDeviceDuration }] = await Promise.all([
    newSession(userId, { userAgent: ua, ip, secondFactor: opts.secondFactor }),
    getSettings("twoFactor"),
  ]);
  return { userId, next, secondFactor: Boolean(opts.secondFactor), ip, userAgent: ua, session, deviceDuration: trustedDeviceDuration, claim: opts.claim };
}

export type Written = { method: string; device?: RememberedDevice };

/**
 * Inside the factor's transaction: the session row, the second step completed (once: a parallel
 * submission that got there first makes this one fail as a whole) and the device remembered.
 */
export async function writeOpening(q: Tx, o: Opening, method: string): Promise<Written> {
  o.session.values.method = method;
  await writeSession(o.session, q);
  if (!o.claim) return { method };
  if (!(await completeChallenge(o.claim.challengeId, q))) throw new SignInAlreadyFinished();
  const device = o.claim.remember ? await rememberDeviceRow(o.userId, o.userAgent, o.deviceDuration, q) : undefined;
  return { method, device };
}

/** After the commit: the cookies, the previous session ended, the audit entry and the redirect. */
export async function completeOpening(o: Opening, w: Written): Promise<never> {
  const previous = await currentSession();
  if (w.device) await setDeviceCookie(w.device);
  if (o.claim) await clearChallengeCookie();
  if (previous) await revokeSessionByToken(previous.token);
  await audit({ action: "signin.succeeded", userId: o.userId, actorId: o.userId, ip: o.ip, detail: { method: w.method, secondFactor: o.secondFactor } });
  await setSessionCookie(o.session.token, o.session.values.expiresAt);
  redirect(safeNext(o.next));
}

/**
 * Opens a session with no factor to consume with it and redirects. Without a pending second step to
 * complete, it is one statement: the row, the account's activity, the audit entry, the count the
 * first factor cleared (`clears`) and the browser's previous session ended.
 */
export async function startSession(
  userId: string,
  next: string,
  method: string,
  opts: { secondFactor?: boolean; claim?: Opening["claim"]; clears?: KeyedLimit } = {},
): Promise<never> {
  const o = await prepareOpening(userId, next, opts);
  const clearsHere = opts.clears && countsInPostgres() ? opts.clears : undefined;
  if (opts.clears && !clearsHere) await clear(opts.clears);
  if (!o.claim) {
    o.session.values.method = method;
    // The previous session of this browser, live or not: ended by its token, no lookup needed.
    const previous = sessionTokenFromCookie((await cookies()).get(sessionCookieName())?.value);
    await writeSessionWith(o.session, [
      auditSql({ action: "signin.succeeded", userId, actorId: userId, ip: o.ip, detail: { method, secondFactor: o.secondFactor } }),
      ...(clearsHere ? [clearSql(clearsHere)] : []),
      ...(previous ? [revokeByTokenSql(previous)] : []),
    ]);
    await setSessionCookie(o.session.token, o.session.values.expiresAt);
    redirect(safeNext(o.next));
  }
  if (clearsHere) await clear(clearsHere);
  let written: Written;
  try {
    written = await db.transaction((tx) => writeOpening(tx as unknown as Tx, o, method));
  } catch (err) {
    if (err instanceof SignInAlreadyFinished) redirect("/login?expired=1");
    throw err;
  }
  return completeOpening(o, written);
}

export async function signOutCurrent() {
  const c = await currentSession();
  if (c) {
    await revokeSessionByToken(c.token);
    await audit({ action: "signout", userId: c.user.id, actorId: c.user.id });
  }
  await clearSessionCookie();
  redirect("/login");
}

/**
 * The 2FA policy's answer for an account past its first factor (T3, T10, B4): a session now (its
 * method, and whether the first factor also passed the second step), or the verify step.
 */
type Decision = { to: "session"; method: string; secondFactor: boolean } | { to: "verify"; surface: Surface };

async function decide(user: User, firstFactor: string, next: string, userVerified?: boolean): Promise<Decision> {
  const policy = await loadPolicy();
  const surface = surfaceOf(next);
  if (!needsSecondFactor(user, policy, surface)) return { to: "session", method: firstFactor, secondFactor: false };
  const methods = await methodsFor(user, policy);
  if (firstFactorSatisfies(firstFactor, methods, userVerified)) return { to: "session", method: firstFactor, secondFactor: true };
  if (await isTrustedDevice(user.id)) return { to: "session", method: `${firstFactor}+trusted_device`, secondFactor: true };
  return { to: "verify", surface };
}

/**
 * After the first factor (password, phone code, email confirmation, security key): the one place
 * where the 2FA policy decides between a session and the verify step (T3, T10, B4).
 */
export async function afterFirstFactor(
  user: User,
  firstFactor: string,
  next: string,
  opts: { userVerified?: boolean; clears?: KeyedLimit } = {},
): Promise<never> {
  // A9: from its blocking date an account signs in by no route at all.
  await assertNotBlocked(user);
  const decision = await decide(user, firstFactor, next, opts.userVerified);
  if (decision.to === "session" && !decision.secondFactor) return startSession(user.id, next, decision.method, { clears: opts.clears });
  // The right first factor clears its count (A1); a session opened at once clears it with its row.
  if (opts.clears) await clear(opts.clears);
  if (decision.to === "session") return startSession(user.id, next, decision.method, { secondFactor: true });
  // No session yet: only the verify step accepts this state.
  await createChallenge({ userId: user.id, firstFactor, surface: decision.surface, next });
  await audit({ action: "signin.first_factor", userId: user.id, actorId: user.id, ip: await clientIp(), detail: { method: firstFactor } });
  redirect("/login/verify");
}

/**
 * A first factor consumed in a transaction (a phone code): the same decision as `afterFirstFactor`,
 * made before the consume, so that the session row or the pending second step is written inside
 * that transaction (`writeFirstFactor`: a failure leaves the factor usable). `completeFirstFactor`
 * sets the cookies and redirects after the commit. The caller refuses a blocked account.
 */
export type FirstFactorStep = SessionStep | VerifyStep;
type SessionStep = { to: "session"; opening: Opening; method: string; written?: Written };
type VerifyStep = { to: "verify"; challenge: NewChallenge; ip: string | null; written?: true };

export async function prepareFirstFactor(user: User, firstFactor: string, next: string): Promise<FirstFactorStep> {
  const decision = await decide(user, firstFactor, next);
  if (decision.to === "session") {
    return { to: "session", opening: await prepareOpening(user.id, next, { secondFactor: decision.secondFactor }), method: decision.method };
  }
  return { to: "verify", challenge: newChallenge({ userId: user.id, firstFactor, surface: decision.surface, next }), ip: await clientIp() };
}

/** Inside the factor's transaction: the session row, or the challenge row of the verify step. */
export async function writeFirstFactor(q: Tx, step: FirstFactorStep): Promise<void> {
  if (step.to === "session") {
    step.written = await writeOpening(q, step.opening, step.method);
    return;
  }
  await writeChallenge(step.challenge, q);
  step.written = true;
}

/** After the commit: the session's cookie, or the verify step's; the audit entry and the redirect. */
export async function completeFirstFactor(step: FirstFactorStep): Promise<never> {
  if (!step.written) throw new Error("the sign-in was not written");
  if (step.to === "session") return completeOpening(step.opening, step.written);
  const { userId, firstFactor } = step.challenge.values;
  await setChallengeCookie(step.challenge);
  await audit({ action: "signin.first_factor", userId, actorId: userId, ip: step.ip, detail: { method: firstFactor } });
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

/** The label of a session opened by a first factor and a second: "password+totp". */
const methodLabel = (challenge: Challenge, second: string) => `${challenge.firstFactor}+${second}`;

/**
 * The second step by a typed factor (code, app, recovery code): checked, consumed and the session
 * written in one transaction (a failure anywhere leaves the factor usable and the sign-in where it
 * was). A method set up here (T11) shows its recovery codes before the session opens.
 */
export async function finishWithCode(
  ctx: { challenge: Challenge; user: User },
  method: Exclude<SecondFactor, "webauthn">,
  input: { code: string; phone?: string },
  remember: boolean,
): Promise<never> {
  const o = await prepareOpening(ctx.challenge.userId, ctx.challenge.next, { secondFactor: true, claim: { challengeId: ctx.challenge.id, remember } });
  let written: Written | undefined;
  let outcome: FactorOutcome;
  try {
    outcome = await checkSecondFactor({ ...ctx, ip: o.ip }, method, input, async (q, out) => {
      if (out.codes) return;
      written = await writeOpening(q, o, methodLabel(ctx.challenge, out.enrolled ? `${out.enrolled}_enrolled` : method));
    });
  } catch (err) {
    if (err instanceof SignInAlreadyFinished) redirect("/login?expired=1");
    throw err;
  }
  if (outcome.codes) return showRecoveryCodes(ctx.challenge, outcome.enrolled!, remember, outcome.codes);
  return completeOpening(o, written!);
}

/** The second step by a security key, consumed in one transaction with the session. */
export async function finishWithSecurityKey(
  ctx: { challenge: Challenge; user: User },
  response: AuthenticationResponseJSON,
  remember: boolean,
): Promise<never> {
  const o = await prepareOpening(ctx.challenge.userId, ctx.challenge.next, { secondFactor: true, claim: { challengeId: ctx.challenge.id, remember } });
  let written: Written | undefined;
  try {
    await checkSecurityKey({ ...ctx, ip: o.ip }, response, async (q) => {
      written = await writeOpening(q, o, methodLabel(ctx.challenge, "webauthn"));
    });
  } catch (err) {
    if (err instanceof SignInAlreadyFinished) redirect("/login?expired=1");
    throw err;
  }
  return completeOpening(o, written!);
}

/** The recovery codes of a method set up during sign-in, sealed, until "Continue" (T11). */
const enrolledFlow = defineFlow({
  name: "two_factor_enrolled",
  ttlSeconds: 10 * 60,
  schema: z.object({ c: z.string(), m: z.enum(TWO_FACTOR_METHODS), r: z.boolean(), codes: z.string() }),
});

/**
 * A first method was set up during sign-in (T11): the method and its recovery codes were saved in
 * one transaction. The codes are shown once on the verify page before the session opens; they wait,
 * sealed, in a short-lived cookie of this browser. Without new codes the sign-in finishes at once.
 */
export async function finishEnrolment(challenge: Challenge, outcome: FactorOutcome, remember: boolean): Promise<never> {
  if (!outcome.codes)
    return startSession(challenge.userId, challenge.next, methodLabel(challenge, `${outcome.enrolled}_enrolled`), {
      secondFactor: true,
      claim: { challengeId: challenge.id, remember },
    });
  return showRecoveryCodes(challenge, outcome.enrolled!, remember, outcome.codes);
}

async function showRecoveryCodes(challenge: Challenge, method: TwoFactorMethod, remember: boolean, codes: string[]): Promise<never> {
  await enrolledFlow.set({ c: challenge.id, m: method, r: remember, codes: encryptSecret(codes.join(" ")) });
  redirect("/login/verify");
}

/** The recovery codes waiting to be shown for this challenge, or null. */
export async function enrolledRecoveryCodes(challenge: Challenge): Promise<string[] | null> {
  const flow = await enrolledFlow.read();
  if (!flow || flow.c !== challenge.id) return null;
  try {
    return decryptSecret(flow.codes).split(" ");
  } catch {
    return null;
  }
}

/** "Continue" after the recovery codes: the sign-in finishes. */
export async function continueAfterEnrolment(challenge: Challenge): Promise<never> {
  const flow = await enrolledFlow.read();
  if (!flow || flow.c !== challenge.id) redirect("/login/verify");
  // The codes stay in their cookie until the session row is written: a failure before that shows an
  // error with "Continue" still there.
  const o = await prepareOpening(challenge.userId, challenge.next, { secondFactor: true, claim: { challengeId: challenge.id, remember: flow.r } });
  let written: Written;
  try {
    written = await db.transaction((tx) => writeOpening(tx as unknown as Tx, o, methodLabel(challenge, `${flow.m}_enrolled`)));
  } catch (err) {
    if (err instanceof SignInAlreadyFinished) redirect("/login?expired=1");
    throw err;
  }
  await enrolledFlow.clear();
  return completeOpening(o, written);
}
