import "server-only";
// Two-factor authentication (T1–T11): the policy, the state between the factors, and checking a second factor.
import { and, eq, isNull, gt, sql } from "drizzle-orm";
import { db, type Db as Tx, type Within } from "@/db/client";
import { signInChallenges, users, type User } from "@/db/schema";
import { audit } from "./audit";
import { consumeCode } from "./codes";
import { hashSecret, randomToken } from "./crypto";
import { sendSecurityNotice } from "./notices";
import { twoFactorCodeTemplate, twoFactorFailuresTemplate } from "./email/templates";
import { ErrorCodes, UserError } from "./errors";
import { clearFlow, readFlow, setFlow } from "./flow-cookie";
import { hit, peek, retryAfterText } from "./rate-limit";
import { useRecoveryCode, remainingRecoveryCodes } from "./recovery-codes";
import { getSettings, type TwoFactorMethod, type TwoFactorSettings } from "./settings";
import { beginTotpEnrolment, confirmTotpEnrolment, verifyTotp } from "./totp";
import { sendEmailCode, sendPhoneCode } from "./verification";
import { claimPhone } from "./phone-auth";
import { countCredentials, finishAuthentication, finishRegistration, registrationOptions } from "./webauthn";
import { afterEnrolment } from "./two-factor-methods";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

export type Surface = "web" | "manager";
export type SecondFactor = TwoFactorMethod | "recovery";
export type Policy = TwoFactorSettings & { enabled: boolean };

const CHALLENGE_TTL_SECONDS = 10 * 60;
const FLOW = "two_factor";
export const FAILURES_BEFORE_CONTACT = 3;
// Beyond each code's own 5 tries: failed second factors per account (growing waits come from the window).
const SECOND_FACTOR_FAILURES = { max: 10, windowSeconds: 15 * 60 };

export const surfaceOf = (next: string): Surface => (next === "/admin" || next.startsWith("/admin/") ? "manager" : "web");

export async function loadPolicy(): Promise<Policy> {
  const twoFactor = await getSettings("twoFactor");
  return { ...twoFactor, enabled: twoFactor.enable2fa };
}

/** T6: the per-app 2FA switches a new account starts with. */
export async function newAccountTwoFactorDefaults() {
  const t = await getSettings("twoFactor");
  return { twoFactorWeb: t.defaultWeb, twoFactorManager: t.defaultManager };
}

type PolicySubject = Pick<User, "twoFactorWeb" | "twoFactorManager" | "isAdmin">;

/** Whether the policy itself (not the account's own switch) makes every account pass a second step. */
export const requiredForEveryone = (policy: Pick<Policy, "enabled" | "requireFor">) => policy.enabled && policy.requireFor === "everyone";

/** Whether this account must pass a second step to enter the Web app. */
export function webSecondStepRequired(user: PolicySubject, policy: Policy) {
  return policy.enabled && (policy.requireFor === "everyone" || user.twoFactorWeb);
}

/** Whether this admin must pass a second step to enter the Manager app. */
export function managerSecondStepRequired(user: PolicySubject, policy: Policy) {
  return policy.enabled && user.isAdmin && (policy.requireFor === "everyone" || user.twoFactorManager);
}

/** Whether signing in to `surface` asks this user for a second factor. Signing in always enters the Web app. */
export function needsSecondFactor(user: PolicySubject, policy: Policy, surface: Surface) {
  return webSecondStepRequired(user, policy) || (surface === "manager" && managerSecondStepRequired(user, policy));
}

/** Whether the Manager app asks this admin for a second factor that the session has not given yet. */
export function managerStepUpNeeded(user: PolicySubject, policy: Policy, managerVerifiedAt: Date | null) {
  return managerSecondStepRequired(user, policy) && !managerVerifiedAt;
}

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

/** T10: a phone-code sign-in is the SMS factor; a user-verified security key is two factors by itself. */
export function firstFactorSatisfies(firstFactor: string, methods: MethodsView, userVerified = false) {
  if (firstFactor === "webauthn") return userVerified;
  if (firstFactor === "sms_code") return methods.primary === "sms";
  return false;
}

// ——— The interim state between the factors (B4) ———

export type Challenge = typeof signInChallenges.$inferSelect;

export async function createChallenge(input: { userId: string; firstFactor: string; surface: Surface; next: string; sessionId?: string | null }) {
  const token = randomToken(32);
  await db.insert(signInChallenges).values({
    id: hashSecret(`challenge:${token}`),
    userId: input.userId,
    firstFactor: input.firstFactor,
    surface: input.surface,
    next: input.next,
    sessionId: input.sessionId ?? null,
    expiresAt: new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000),
  });
  await setFlow(FLOW, { t: token }, CHALLENGE_TTL_SECONDS);
}

/** The pending challenge of this browser with its account, or null (expired, completed, unknown). */
export async function currentChallenge(): Promise<{ challenge: Challenge; user: User } | null> {
  const flow = await readFlow<{ t: string }>(FLOW);
  if (!flow?.t) return null;
  const [row] = await db
    .select({ challenge: signInChallenges, user: users })
    .from(signInChallenges)
    .innerJoin(users, eq(users.id, signInChallenges.userId))
    .where(and(eq(signInChallenges.id, hashSecret(`challenge:${flow.t}`)), isNull(signInChallenges.completedAt), gt(signInChallenges.expiresAt, new Date())))
    .limit(1);
  if (!row || row.user.status === "blocked") return null;
  return row;
}

/** Marks the challenge used (once: parallel completions give one winner), with `q` inside the sign-in's transaction. */
export async function completeChallenge(challengeId: string, q: Tx = db): Promise<boolean> {
  const rows = await q
    .update(signInChallenges)
    .set({ completedAt: new Date() })
    .where(and(eq(signInChallenges.id, challengeId), isNull(signInChallenges.completedAt)))
    .returning({ id: signInChallenges.id });
  return rows.length > 0;
}

/** Forgets this browser's pending sign-in (its cookie). */
export async function clearChallengeCookie() {
  await clearFlow(FLOW);
}

export async function abandonChallenge() {
  await clearFlow(FLOW);
}

/** Counts a failed second factor; at the third, audits it and emails the contact person and admins (T5). */
export async function recordFailure(challenge: Challenge, user: User, method: string, ip: string | null): Promise<number> {
  const [row] = await db
    .update(signInChallenges)
    .set({ failedAttempts: sql`${signInChallenges.failedAttempts} + 1` })
    .where(eq(signInChallenges.id, challenge.id))
    .returning({ failedAttempts: signInChallenges.failedAttempts });
  const failures = row?.failedAttempts ?? challenge.failedAttempts + 1;
  await audit({ action: "two_factor.failed", userId: user.id, actorId: user.id, ip, detail: { method, attempt: failures } });
  if (failures === FAILURES_BEFORE_CONTACT) {
    await audit({ action: "two_factor.failed_3_times", userId: user.id, actorId: user.id, ip, detail: { method } });
    const policy = await loadPolicy();
    const admins = await db.select({ email: users.email }).from(users).where(and(eq(users.isAdmin, true), sql`${users.email} is not null`));
    const to = new Set([policy.contactEmail, ...admins.map((a) => a.email)].filter((e): e is string => Boolean(e)));
    const message = twoFactorFailuresTemplate({ account: user.email ?? user.phone ?? user.id, when: new Date().toISOString() });
    await Promise.all([...to].map((address) => sendSecurityNotice({ userId: user.id, to: address, kind: "two_factor_failures", message })));
  }
  return failures;
}

// ——— Sending and checking the second factor ———

const notOffered = () => new UserError(ErrorCodes.NOT_ALLOWED, "This method is not available for your account. Choose another method.");

/** Sends a code for the second factor by SMS (to the account's phone, or to `newPhone` being added) or by email. */
export async function sendSecondFactorCode(user: User, channel: "sms" | "email", ip: string | null, newPhone?: string) {
  if (!mayUse(await methodsFor(user, await loadPolicy()), channel)) throw notOffered();
  if (channel === "email") {
    if (!user.email) throw new UserError(ErrorCodes.NOT_ALLOWED, "This account has no email address.");
    await sendEmailCode({ purpose: "two_factor", email: user.email, userId: user.id, template: (code) => twoFactorCodeTemplate({ code }) });
    return;
  }
  if (!user.canReceiveSms) throw new UserError(ErrorCodes.NOT_ALLOWED, "Text messages are turned off for this account. Use another method.");
  if (user.phone && user.phoneVerifiedAt) {
    await sendPhoneCode({ purpose: "two_factor", phone: user.phone, userId: user.id, ip });
    return;
  }
  // Setting up SMS with a new number: answered alike whether or not it belongs to another account.
  if (!newPhone) throw new UserError(ErrorCodes.INVALID_INPUT, "Enter your phone number.", "phone");
  await claimPhone(user, newPhone, "two_factor", ip);
}

/** What a passed second factor brought: the method it set up (T11), and that method's recovery codes. */
export type FactorOutcome = { enrolled: TwoFactorMethod | null; codes: string[] | null };

/**
 * Runs inside the transaction that consumes the second factor: what it unlocks (the session, the
 * challenge completed, a remembered device), so that a failure there leaves the factor unused.
 */
export type Unlock = (q: Tx, outcome: FactorOutcome) => Promise<void>;

/** Raised inside `Unlock` when the sign-in was already finished (a parallel submission won). */
export class SignInAlreadyFinished extends Error {
  constructor() {
    super("sign-in already finished");
    this.name = "SignInAlreadyFinished";
  }
}

/** Counts a failed second factor against the sign-in (T5) and the account's limit. */
async function countFailure(ctx: { challenge: Challenge; user: User; ip: string | null }, method: SecondFactor) {
  await recordFailure(ctx.challenge, ctx.user, method, ctx.ip);
  const r = await hit(`2fa-fail:${ctx.user.id}`, SECOND_FACTOR_FAILURES);
  if (!r.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many failed attempts. Try again in ${retryAfterText(r.resetAt)}.`, "code");
}

/** The account's limits on second factors, before anything is checked. */
async function assertSecondFactorBudget(user: User) {
  const blocked = await peek(`2fa-fail:${user.id}`, SECOND_FACTOR_FAILURES);
  if (!blocked.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many failed attempts. Try again in ${retryAfterText(blocked.resetAt)}.`, "code");
  const budget = await hit(`2fa-try:${user.id}`, { max: 30, windowSeconds: 15 * 60 });
  if (!budget.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many attempts. Try again in ${retryAfterText(budget.resetAt)}.`, "code");
}

/**
 * Checks a typed second factor (a code by SMS or email, the authenticator app, a recovery code).
 * Every failure counts against the sign-in (T5) and the account's limit. A code sent to a newly
 * entered phone confirms that phone, and a code sent to an address not yet set up confirms it for
 * email codes (T3, T11): the outcome names the method so set up, with its recovery codes. The
 * factor is consumed in one transaction with all of that and with `unlock`.
 */
export async function checkSecondFactor(
  ctx: { challenge: Challenge; user: User; ip: string | null },
  method: Exclude<SecondFactor, "webauthn">,
  input: { code: string; phone?: string },
  unlock: Unlock,
): Promise<FactorOutcome> {
  const { user } = ctx;
  const methods = await methodsFor(user, await loadPolicy());
  if (!mayUse(methods, method)) throw notOffered();
  await assertSecondFactorBudget(user);
  const outcome: FactorOutcome = { enrolled: null, codes: null };
  const finish = async (q: Tx) => {
    if (outcome.enrolled) outcome.codes = (await afterEnrolment(user.id, outcome.enrolled, q)).codes;
    await unlock(q, outcome);
  };
  try {
    if (method === "totp") await verifyTotp(user.id, input.code, finish);
    else if (method === "recovery") await useRecoveryCode(user.id, input.code, finish);
    else {
      const target = method === "email" ? user.email : user.phoneVerifiedAt ? user.phone : input.phone;
      if (!target) throw new UserError(ErrorCodes.INVALID_CODE, "Ask for a code first.", "code");
      await consumeCode({ purpose: "two_factor", target, code: input.code }, async (q, consumed) => {
        if (consumed.userId !== user.id) throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
        if (method === "sms" && !user.phoneVerifiedAt) {
          await q.update(users).set({ phone: target, phoneVerifiedAt: new Date() }).where(eq(users.id, user.id));
          await audit({ action: "phone.confirmed", userId: user.id, actorId: user.id, detail: { during: "two_factor" } }, q);
          outcome.enrolled = "sms";
        }
        if (method === "email") {
          const now = new Date();
          const enrolling = methods.enrol.includes("email");
          if (enrolling || !user.emailVerifiedAt) {
            await q
              .update(users)
              .set({ emailVerifiedAt: user.emailVerifiedAt ?? now, ...(enrolling ? { twoFactorEmailConfirmedAt: now } : {}) })
              .where(eq(users.id, user.id));
          }
          if (enrolling) outcome.enrolled = "email";
        }
        await finish(q);
      });
    }
  } catch (err) {
    if (err instanceof UserError && err.code !== ErrorCodes.INVALID_INPUT) await countFailure(ctx, method);
    throw err;
  }
  return outcome;
}

/** Checks a security key as the second factor, consumed in one transaction with `unlock`. */
export async function checkSecurityKey(ctx: { challenge: Challenge; user: User; ip: string | null }, response: AuthenticationResponseJSON, unlock: Unlock) {
  await assertSecondFactorBudget(ctx.user);
  try {
    await finishAuthentication(response, { userId: ctx.user.id, requireUserVerification: false }, (q) => unlock(q, { enrolled: null, codes: null }));
  } catch (err) {
    if (!(err instanceof SignInAlreadyFinished)) await countFailure(ctx, "webauthn").catch((e) => (err = e));
    throw err;
  }
}

// ——— Setting up a first method during sign-in (T11) ———

async function assertEnrolling(user: User, method: TwoFactorMethod) {
  if (!(await methodsFor(user, await loadPolicy())).enrol.includes(method)) throw notOffered();
}

/** The authenticator app's secret and QR code, only while the account has no method yet. */
export async function beginTotpAtSignIn(user: User) {
  await assertEnrolling(user, "totp");
  return beginTotpEnrolment(user.id, user.email ?? user.phone ?? user.name);
}

/** The app set up during sign-in: the secret, the method and its recovery codes in one transaction. */
export async function confirmTotpAtSignIn(user: User, code: string): Promise<FactorOutcome> {
  await assertEnrolling(user, "totp");
  const budget = await hit(`2fa-try:${user.id}`, { max: 30, windowSeconds: 15 * 60 });
  if (!budget.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many attempts. Try again in ${retryAfterText(budget.resetAt)}.`, "code");
  const outcome: FactorOutcome = { enrolled: "totp", codes: null };
  await confirmTotpEnrolment(user.id, code, async (q) => {
    outcome.codes = (await afterEnrolment(user.id, "totp", q)).codes;
  });
  return outcome;
}

export async function keyOptionsAtSignIn(user: User) {
  await assertEnrolling(user, "webauthn");
  return registrationOptions(user);
}

/** A key registered during sign-in: the key, the method and its recovery codes in one transaction. */
export async function finishKeyAtSignIn(user: User, response: RegistrationResponseJSON, name: string): Promise<FactorOutcome> {
  await assertEnrolling(user, "webauthn");
  const outcome: FactorOutcome = { enrolled: "webauthn", codes: null };
  await finishRegistration(user.id, response, name, async (q) => {
    outcome.codes = (await afterEnrolment(user.id, "webauthn", q)).codes;
  });
  return outcome;
}

/** T8: accounts without a confirmed phone (shown while SMS is an allowed method). */
export async function accountsWithoutPhone(limit = 100) {
  const where = and(sql`${users.phoneVerifiedAt} is null`, sql`${users.status} <> 'blocked'`);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(where);
  const rows = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(where).orderBy(users.createdAt).limit(limit);
  return { count: Number(count?.n ?? 0), rows };
}
