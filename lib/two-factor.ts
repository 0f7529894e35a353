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
import { verifyTotp } from "./totp";
import { sendEmailCode, sendPhoneCode } from "./verification";
import { countCredentials } from "./webauthn";

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
  const [account, twoFactor] = await Promise.all([getSettings("account"), getSettings("twoFactor")]);
  return { ...twoFactor, enabled: account.enable2fa };
}

/** T6: the per-app 2FA switches a new account starts with. */
export async function newAccountTwoFactorDefaults() {
  const t = await getSettings("twoFactor");
  return { twoFactorWeb: t.defaultWeb, twoFactorManager: t.defaultManager };
}

/** Whether signing in to `surface` asks this user for a second factor. Signing in always enters the Web app. */
export function needsSecondFactor(user: Pick<User, "twoFactorWeb" | "twoFactorManager" | "isAdmin">, policy: Policy, surface: Surface) {
  if (!policy.enabled) return false;
  return user.twoFactorWeb || (surface === "manager" && user.isAdmin && user.twoFactorManager);
}

/** Whether the Manager app asks this admin for a second factor that the session has not given yet. */
export function managerStepUpNeeded(user: Pick<User, "twoFactorManager" | "isAdmin">, policy: Policy, managerVerifiedAt: Date | null) {
  return policy.enabled && user.isAdmin && user.twoFactorManager && !managerVerifiedAt;
}

export type MethodsView = { primary: TwoFactorMethod; backup: TwoFactorMethod | null; available: TwoFactorMethod[]; recoveryCodes: number; emailFallback: boolean };

/**
 * The second factors this user can use now. SMS needs the method allowed, the SMS right and a
 * delivery policy that sends SMS (with no phone yet, the phone is asked for first); email needs an
 * address; the app and keys need an enrolment.
 */
export async function methodsFor(user: User, policy: Policy): Promise<MethodsView> {
  const allowed = new Set(policy.allowedMethods);
  const keys = allowed.has("webauthn") ? await countCredentials(user.id) : 0;
  const available: TwoFactorMethod[] = [];
  if (allowed.has("sms") && user.canReceiveSms && policy.deliveryPolicy !== "email_only") available.push("sms");
  if ((allowed.has("email") || policy.deliveryPolicy === "email_only") && user.email) available.push("email");
  if (allowed.has("totp") && user.totpSecret) available.push("totp");
  if (keys > 0) available.push("webauthn");
  const pick = (m: string | null | undefined) => (m && available.includes(m as TwoFactorMethod) ? (m as TwoFactorMethod) : null);
  const fallbackDefault = policy.deliveryPolicy === "email_only" && policy.defaultMethod === "sms" ? "email" : policy.defaultMethod;
  const primary = pick(user.primaryMethod) ?? pick(fallbackDefault) ?? available[0] ?? "email";
  const backup = pick(user.backupMethod);
  return {
    primary,
    backup: backup === primary ? null : backup,
    available,
    recoveryCodes: await remainingRecoveryCodes(user.id),
    emailFallback: policy.deliveryPolicy === "sms_then_email" && Boolean(user.email),
  };
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
  await audit({ action: "two_factor.failed", userId: user.id, ip, detail: { method, attempt: failures } });
  if (failures === FAILURES_BEFORE_CONTACT) {
    await audit({ action: "two_factor.failed_3_times", userId: user.id, ip, detail: { method } });
    const policy = await loadPolicy();
    const admins = await db.select({ email: users.email }).from(users).where(and(eq(users.isAdmin, true), sql`${users.email} is not null`));
    const to = new Set([policy.contactEmail, ...admins.map((a) => a.email)].filter((e): e is string => Boolean(e)));
    const message = twoFactorFailuresTemplate({ account: user.email ?? user.phone ?? user.id, when: new Date().toISOString() });
    await Promise.all([...to].map((address) => sendEmail({ to: address, ...message }).catch(() => {})));
  }
  return failures;
}

// ——— Sending and checking the second factor ———

/** Sends a code for the second factor by SMS (to the account's phone, or to `newPhone` being added) or by email. */
export async function sendSecondFactorCode(user: User, channel: "sms" | "email", ip: string | null, newPhone?: string) {
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
 * Checks a second factor. Every failure counts against the sign-in (T5) and the account's limit;
 * a code sent to a newly entered phone also confirms that phone (T3).
 */
export async function checkSecondFactor(
  ctx: { challenge: Challenge; user: User; ip: string | null },
  method: Exclude<SecondFactor, "webauthn">,
  input: { code: string; phone?: string },
): Promise<void> {
  const { user } = ctx;
  const limitKey = `2fa-fail:${user.id}`;
  const blocked = await peek(limitKey, SECOND_FACTOR_FAILURES);
  if (!blocked.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many failed attempts. Try again in ${retryAfterText(blocked.resetAt)}.`, "code");
  const budget = await hit(`2fa-try:${user.id}`, { max: 30, windowSeconds: 15 * 60 });
  if (!budget.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many attempts. Try again in ${retryAfterText(budget.resetAt)}.`, "code");
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
}

/** T8: accounts without a confirmed phone (shown while SMS is an allowed method). */
export async function accountsWithoutPhone(limit = 100) {
  const where = and(sql`${users.phoneVerifiedAt} is null`, sql`${users.status} <> 'blocked'`);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(where);
  const rows = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(where).orderBy(users.createdAt).limit(limit);
  return { count: Number(count?.n ?? 0), rows };
}
