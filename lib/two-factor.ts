import "server-only";
// Two-factor authentication (T1–T11): the policy, the state between the factors, and checking a second factor.
import { and, eq, isNull, gt, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { signInChallenges, users, type User } from "@/db/schema";
import { audit } from "./audit";
import { consumeCode } from "./codes";
import { hashSecret, randomToken } from "./crypto";
import { sendEmail } from "./email";
import { twoFactorCodeTemplate, twoFactorFailuresTemplate } from "./email/templates";
import { ErrorCodes, UserError } from "./errors";
import { clearFlow, readFlow, setFlow } from "./flow-cookie";
import { hit, peek, retryAfterText } from "./rate-limit";
import { useRecoveryCode, remainingRecoveryCodes } from "./recovery-codes";
import { getSettings, type TwoFactorMethod, type TwoFactorSettings } from "./settings";
import { beginTotpEnrolment, confirmTotpEnrolment, verifyTotp } from "./totp";
import { sendEmailCode, sendPhoneCode } from "./verification";
import { countCredentials, finishRegistration, registrationOptions } from "./webauthn";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";

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

/** Marks the challenge used (once: parallel completions give one winner) and clears the cookie. */
export async function completeChallenge(challengeId: string): Promise<boolean> {
  const rows = await db
    .update(signInChallenges)
    .set({ completedAt: new Date() })
    .where(and(eq(signInChallenges.id, challengeId), isNull(signInChallenges.completedAt)))
    .returning({ id: signInChallenges.id });
  await clearFlow(FLOW);
  return rows.length > 0;
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
    await Promise.all([...to].map((address) => sendEmail({ to: address, ...message }).catch(() => {})));
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
  const phone = user.phone && user.phoneVerifiedAt ? user.phone : newPhone;
  if (!phone) throw new UserError(ErrorCodes.INVALID_INPUT, "Enter your phone number.", "phone");
  if (!user.phoneVerifiedAt) {
    const [other] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.phone, phone), sql`${users.phoneVerifiedAt} is not null`, sql`${users.id} <> ${user.id}`))
      .limit(1);
    if (other) throw new UserError(ErrorCodes.PHONE_IN_USE, "This phone number belongs to another account. Use a different number.", "phone");
  }
  await sendPhoneCode({ purpose: "two_factor", phone, userId: user.id, ip });
}

/**
 * Checks a second factor. Every failure counts against the sign-in (T5) and the account's limit.
 * A code sent to a newly entered phone confirms that phone, and a code sent to an address not yet
 * set up confirms it for email codes (T3, T11): the result names the method so set up.
 */
export async function checkSecondFactor(
  ctx: { challenge: Challenge; user: User; ip: string | null },
  method: Exclude<SecondFactor, "webauthn">,
  input: { code: string; phone?: string },
): Promise<{ enrolled: TwoFactorMethod | null }> {
  const { user } = ctx;
  const methods = await methodsFor(user, await loadPolicy());
  if (!mayUse(methods, method)) throw notOffered();
  const limitKey = `2fa-fail:${user.id}`;
  const blocked = await peek(limitKey, SECOND_FACTOR_FAILURES);
  if (!blocked.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many failed attempts. Try again in ${retryAfterText(blocked.resetAt)}.`, "code");
  const budget = await hit(`2fa-try:${user.id}`, { max: 30, windowSeconds: 15 * 60 });
  if (!budget.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many attempts. Try again in ${retryAfterText(budget.resetAt)}.`, "code");
  let enrolled: TwoFactorMethod | null = null;
  try {
    if (method === "totp") await verifyTotp(user.id, input.code);
    else if (method === "recovery") await useRecoveryCode(user.id, input.code);
    else {
      const target = method === "email" ? user.email : user.phoneVerifiedAt ? user.phone : input.phone;
      if (!target) throw new UserError(ErrorCodes.INVALID_CODE, "Ask for a code first.", "code");
      const consumed = await consumeCode({ purpose: "two_factor", target, code: input.code });
      if (consumed.userId !== user.id) throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
      if (method === "sms" && !user.phoneVerifiedAt) {
        await db.update(users).set({ phone: target, phoneVerifiedAt: new Date() }).where(eq(users.id, user.id));
        await audit({ action: "phone.confirmed", userId: user.id, actorId: user.id, detail: { during: "two_factor" } });
        enrolled = "sms";
      }
      if (method === "email") {
        const now = new Date();
        const enrolling = methods.enrol.includes("email");
        if (enrolling || !user.emailVerifiedAt) {
          await db
            .update(users)
            .set({ emailVerifiedAt: user.emailVerifiedAt ?? now, ...(enrolling ? { twoFactorEmailConfirmedAt: now } : {}) })
            .where(eq(users.id, user.id));
        }
        if (enrolling) enrolled = "email";
      }
    }
  } catch (err) {
    if (err instanceof UserError && err.code !== ErrorCodes.INVALID_INPUT) {
      await recordFailure(ctx.challenge, user, method, ctx.ip);
      const r = await hit(limitKey, SECOND_FACTOR_FAILURES);
      if (!r.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many failed attempts. Try again in ${retryAfterText(r.resetAt)}.`, "code");
    }
    throw err;
  }
  return { enrolled };
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

export async function confirmTotpAtSignIn(user: User, code: string) {
  await assertEnrolling(user, "totp");
  const budget = await hit(`2fa-try:${user.id}`, { max: 30, windowSeconds: 15 * 60 });
  if (!budget.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many attempts. Try again in ${retryAfterText(budget.resetAt)}.`, "code");
  await confirmTotpEnrolment(user.id, code);
}

export async function keyOptionsAtSignIn(user: User) {
  await assertEnrolling(user, "webauthn");
  return registrationOptions(user);
}

export async function finishKeyAtSignIn(user: User, response: RegistrationResponseJSON, name: string) {
  await assertEnrolling(user, "webauthn");
  await finishRegistration(user.id, response, name);
}

/** T8: accounts without a confirmed phone (shown while SMS is an allowed method). */
export async function accountsWithoutPhone(limit = 100) {
  const where = and(sql`${users.phoneVerifiedAt} is null`, sql`${users.status} <> 'blocked'`);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(where);
  const rows = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(where).orderBy(users.createdAt).limit(limit);
  return { count: Number(count?.n ?? 0), rows };
}
