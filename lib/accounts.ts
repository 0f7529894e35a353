import "server-only";
// Accounts: sign-up by email, confirmation, activation, blocking, rights, password change, admin listing.
import { and, asc, desc, eq, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import { db } from "@/db/client";
import { users, type User } from "@/db/schema";
import { audit } from "./audit";
import { endAppSessions } from "./oidc/grants";
import { SYSTEM_ACTOR } from "./audit-actions";
import { consumeCode, consumeLink, RESEND_COOLDOWN_SECONDS, type ConsumedCode, type Tx } from "./codes";
import { sendEmailCode } from "./verification";
import { newId } from "./crypto";
import { sendEmail } from "./email";
import {
  activationLetterTemplate,
  confirmEmailTemplate,
  passwordChangedTemplate,
  signupAttemptTemplate,
} from "./email/templates";
import { ErrorCodes, UserError } from "./errors";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords";
import { clear, hit, LIMITS, retryAfterText } from "./rate-limit";
import { getSettings, type ConfirmationMode } from "./settings";
import { revokeAllSessions, revokeOtherSessions } from "./auth/sessions";
import { forgetAllTrustedDevices } from "./trusted-devices";
import { newAccountTwoFactorDefaults } from "./two-factor";
import { assertNotBlocked } from "./blocking";
import { createInitialProfile } from "./profiles";
import { deliverLater } from "./background";
import { uniformTime } from "./uniform-time";

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function findUserByEmail(email: string): Promise<User | null> {
  const [u] = await db.select().from(users).where(eq(users.email, normalizeEmail(email))).limit(1);
  return u ?? null;
}

export async function findUserByConfirmedPhone(phone: string): Promise<User | null> {
  const [u] = await db
    .select()
    .from(users)
    .where(and(eq(users.phone, phone), sql`${users.phoneVerifiedAt} is not null`))
    .limit(1);
  return u ?? null;
}

export async function getUser(id: string): Promise<User | null> {
  const [u] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return u ?? null;
}

/** What the confirmation mode in force still asks of this account. */
export function confirmationNeeds(user: Pick<User, "emailVerifiedAt" | "phoneVerifiedAt">, mode: ConfirmationMode) {
  return {
    email: (mode === "email" || mode === "both") && !user.emailVerifiedAt,
    phone: (mode === "phone" || mode === "both") && !user.phoneVerifiedAt,
  };
}

export function isConfirmed(user: Pick<User, "emailVerifiedAt" | "phoneVerifiedAt">, mode: ConfirmationMode) {
  const needs = confirmationNeeds(user, mode);
  return !needs.email && !needs.phone;
}

export async function sendConfirmationEmail(user: Pick<User, "id" | "name" | "email">) {
  if (!user.email) throw new UserError(ErrorCodes.NOT_ALLOWED, "This account has no email address.");
  await sendEmailCode({
    purpose: "email_confirm",
    email: user.email,
    userId: user.id,
    withLink: true,
    template: (code, linkToken) => confirmEmailTemplate({ name: user.name, code, linkToken: linkToken! }),
  });
}

/**
 * A3: the activation letter, once per account (claimed atomically, so an admin's activation and a
 * later confirmation never both send it). Informational: a failure is logged, the activation stands.
 */
export async function sendActivationLetter(user: Pick<User, "id" | "name" | "email">) {
  try {
    const { activationLetter } = await getSettings("account");
    if (!activationLetter || !user.email) return;
    const [claimed] = await db
      .update(users)
      .set({ activationLetterSentAt: new Date() })
      .where(and(eq(users.id, user.id), isNull(users.activationLetterSentAt), eq(users.status, "active")))
      .returning({ id: users.id });
    if (!claimed) return;
    await sendEmail({ to: user.email, ...activationLetterTemplate({ name: user.name }) });
  } catch (err) {
    console.error("activation letter not sent", err instanceof Error ? err.message : err);
  }
}

/** Whether the confirmation mode asks new accounts to confirm their email address by code and link. */
export const confirmsEmail = (mode: ConfirmationMode) => mode === "email" || mode === "both";

/** What the visitor is told after signing up, by confirmation mode (the same whether or not the address was new). */
export type SignUpNext = "check-email" | "sign-in" | "confirm-phone";

/**
 * Email sign-up (A1). The reply never says whether the address already has an account: a known
 * address gets a "someone tried to register" email instead of an account. A new one gets the
 * confirmation code and link when the mode confirms email (A4); with "none" or "phone" no
 * confirmation email is sent. An automatically activated account gets its activation letter (A3)
 * once nothing is left to confirm by email, so never together with the confirmation code. Both
 * paths hash the password and are held to the same answer time (lib/uniform-time.ts).
 */
export async function signUpWithEmail(input: { name: string; email: string; password: string; ip?: string | null }): Promise<SignUpNext> {
  const email = normalizeEmail(input.email);
  const problem = passwordProblem(input.password, email);
  if (problem) throw new UserError(ErrorCodes.WEAK_PASSWORD, problem, "password");
  if (input.ip) {
    const r = await hit(`signup-ip:${input.ip}`, LIMITS.signupPerIp);
    if (!r.success) throw new UserError(ErrorCodes.RATE_LIMITED, `Too many sign-ups from your network. Try again in ${retryAfterText(r.resetAt)}.`);
  }
  const settings = await getSettings("account");
  const mode = settings.confirmationMode;
  // Both answers report a failed delivery the same way and take the same time: a new account's
  // extra work sets the pace for both.
  await uniformTime("signup", async () => {
    const passwordHash = await hashPassword(input.password);
    const existing = await findUserByEmail(email);
    if (existing) {
      await notifySignupAttempt(email);
      return false;
    }
    const active = settings.automaticActivation;
    const id = newId();
    const inserted = await db
      .insert(users)
      .values({
        id,
        name: input.name.trim(),
        email,
        passwordHash,
        status: active ? "active" : "pending",
        activatedAt: active ? new Date() : null,
        ...(await newAccountTwoFactorDefaults()),
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!inserted.length) {
      // Lost a race with another sign-up for the same address: same answer as an existing account.
      await notifySignupAttempt(email);
      return false;
    }
    const user = { id, name: input.name.trim(), email };
    try {
      await createInitialProfile(id, user.name);
      if (confirmsEmail(mode)) await sendConfirmationEmail(user);
    } catch (err) {
      // No half account: without the confirmation email the sign-up is undone (its profile with it) and can be retried.
      await db.delete(users).where(eq(users.id, id));
      throw err;
    }
    await audit({ action: "account.created", userId: id, actorId: id, ip: input.ip, detail: { method: "email", status: active ? "active" : "pending" } });
    if (active && !confirmsEmail(mode)) await sendActivationLetter(user);
    return true;
  });
  return confirmsEmail(mode) ? "check-email" : mode === "phone" ? "confirm-phone" : "sign-in";
}

async function notifySignupAttempt(email: string) {
  // A victim's inbox must not be floodable through the sign-up form: at most a few notices an hour.
  const r = await hit(`signup-notice:${email}`, { max: 3, windowSeconds: 3600 });
  if (!r.success) return;
  await sendEmail({ to: email, ...signupAttemptTemplate() });
}

/**
 * Sends a fresh confirmation code to an address. Says nothing about whether the address has an
 * account: unknown and already-confirmed addresses are silently skipped.
 */
export async function resendConfirmationTo(emailInput: string) {
  const email = normalizeEmail(emailInput);
  // The cooldown is keyed on the address before any lookup, so known and unknown addresses answer alike.
  const r = await hit(`resend-confirm:${email}`, { max: 1, windowSeconds: RESEND_COOLDOWN_SECONDS });
  if (!r.success) {
    throw new UserError(ErrorCodes.RESEND_COOLDOWN, `Please wait ${retryAfterText(r.resetAt)} before asking for a new code.`);
  }
  // The email goes out after the answer, which takes the same time whether or not it is sent.
  await uniformTime("resend confirmation", async () => {
    const user = await findUserByEmail(email);
    if (!user || user.emailVerifiedAt) return false;
    deliverLater("confirmation email", "email", async () => {
      try {
        await sendConfirmationEmail(user);
      } catch (err) {
        // A failed delivery gives the cooldown back, so asking again works at once (O5).
        if (err instanceof UserError && err.code === ErrorCodes.DELIVERY_FAILED) await clear(`resend-confirm:${email}`);
        throw err;
      }
    });
    return true;
  });
}

export async function resendConfirmationForUser(userId: string) {
  const user = await getUser(userId);
  if (!user?.email || user.emailVerifiedAt) return;
  await sendConfirmationEmail(user);
}

/**
 * Marks the address confirmed, in the transaction that consumes the code or link: a failure
 * between the two (the database going away) leaves the code usable, never used up for nothing.
 */
async function markEmailConfirmed(q: Tx, consumed: ConsumedCode): Promise<User> {
  if (!consumed.userId) throw new UserError(ErrorCodes.INVALID_CODE, "This code is not valid. Ask for a new one.", "code");
  const [u] = await q
    .update(users)
    .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
    .where(and(eq(users.id, consumed.userId), eq(users.email, consumed.target)))
    .returning();
  if (!u) throw new UserError(ErrorCodes.INVALID_CODE, "This code no longer matches the account's email address.", "code");
  return u;
}

/**
 * Confirms an email address with the typed code. Returns the account and whether it was its first
 * confirmation; the first confirmation of an active account sends its activation letter (A3).
 */
export async function confirmEmailWithCode(emailInput: string, code: string) {
  const email = normalizeEmail(emailInput);
  const before = await findUserByEmail(email);
  let user: User | undefined;
  await consumeCode({ purpose: "email_confirm", target: email, code }, async (q, consumed) => {
    user = await markEmailConfirmed(q, consumed);
  });
  await audit({ action: "email.confirmed", userId: user!.id, actorId: user!.id });
  const firstConfirmation = !before?.emailVerifiedAt;
  if (firstConfirmation) await sendActivationLetter(user!);
  return { user: user!, firstConfirmation };
}

export async function confirmEmailWithLink(token: string) {
  let user: User | undefined;
  let before: User | null = null;
  await consumeLink({ purpose: "email_confirm", token }, async (q, consumed) => {
    // Only `q` inside the transaction (embedded Postgres has one connection).
    before = consumed.userId ? ((await q.select().from(users).where(eq(users.id, consumed.userId)).limit(1))[0] ?? null) : null;
    user = await markEmailConfirmed(q, consumed);
  });
  await audit({ action: "email.confirmed", userId: user!.id, actorId: user!.id });
  const firstConfirmation = !(before as User | null)?.emailVerifiedAt;
  if (firstConfirmation) await sendActivationLetter(user!);
  return { user: user!, firstConfirmation };
}

/** First factor by password (A1). Same message for an unknown identifier and a wrong password. */
export async function checkPassword(input: { user: User | null; identifierKey: string; password: string; ip?: string | null }) {
  const idLimit = await hit(`login-id:${input.identifierKey}`, LIMITS.loginPerIdentifier);
  const ipLimit = input.ip ? await hit(`login-ip:${input.ip}`, LIMITS.loginPerIp) : null;
  if (!idLimit.success || (ipLimit && !ipLimit.success)) {
    const resetAt = !idLimit.success ? idLimit.resetAt : ipLimit!.resetAt;
    throw new UserError(ErrorCodes.RATE_LIMITED, `Too many sign-in attempts. Try again in ${retryAfterText(resetAt)}.`);
  }
  const ok = await verifyPassword(input.user?.passwordHash, input.password);
  if (!ok || !input.user) {
    await audit({ action: "signin.failed", userId: input.user?.id ?? null, ip: input.ip, detail: { method: "password" } });
    throw new UserError(ErrorCodes.INVALID_CREDENTIALS, "The email, phone or password is not right.");
  }
  // Blocked by an admin, or the scheduled blocking date has come (A9).
  await assertNotBlocked(input.user, { ip: input.ip });
  // Every attempt is counted before the hash is checked (parallel guesses cannot slip past the limit);
  // the right password clears the account's count, so its owner is never locked out by their own sign-ins.
  await clear(`login-id:${input.identifierKey}`);
  return input.user;
}

/** A7: change password. Ends every other session. */
export async function changePassword(input: { userId: string; current: string; next: string; keepSessionId: string | null }) {
  const user = await getUser(input.userId);
  if (!user) throw new UserError(ErrorCodes.NOT_FOUND, "Account not found.");
  if (!user.canChangePassword) throw new UserError(ErrorCodes.NOT_ALLOWED, "Your administrator does not allow changing the password of this account.");
  if (user.passwordHash && !(await verifyPassword(user.passwordHash, input.current))) {
    throw new UserError(ErrorCodes.WRONG_PASSWORD, "Your current password is not right.", "currentPassword");
  }
  const problem = passwordProblem(input.next, user.email);
  if (problem) throw new UserError(ErrorCodes.WEAK_PASSWORD, problem, "newPassword");
  const passwordHash = await hashPassword(input.next);
  await db.update(users).set({ passwordHash }).where(eq(users.id, user.id));
  const ended = await revokeOtherSessions(user.id, input.keepSessionId);
  await forgetAllTrustedDevices(user.id);
  await audit({ action: "password.changed", userId: user.id, actorId: user.id, detail: { endedSessions: ended } });
  if (user.email) {
    await sendEmail({ to: user.email, ...passwordChangedTemplate({ name: user.name }) }).catch(() => {});
  }
}

// ——— Manager app ———

export async function activateAccount(userId: string, actorId: string | null) {
  const [u] = await db
    .update(users)
    .set({ status: "active", activatedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.status, "pending")))
    .returning();
  if (!u) return false;
  await audit({ action: "account.activated", userId, actorId });
  await sendActivationLetter(u);
  return true;
}

export async function blockAccount(userId: string, actorId: string | null) {
  const [u] = await db
    .update(users)
    .set({ status: "blocked", blockedAt: new Date() })
    .where(and(eq(users.id, userId), sql`${users.status} <> 'blocked'`))
    .returning({ id: users.id });
  if (!u) return false;
  await revokeAllSessions(userId);
  await endAppSessions(userId);
  await audit({ action: "account.blocked", userId, actorId });
  return true;
}

export async function unblockAccount(userId: string, actorId: string | null) {
  const [u] = await db
    .update(users)
    .set({ status: sql`case when ${users.activatedAt} is null then 'pending' else 'active' end`, blockedAt: null })
    .where(and(eq(users.id, userId), eq(users.status, "blocked")))
    .returning({ id: users.id });
  if (!u) return false;
  await audit({ action: "account.unblocked", userId, actorId });
  return true;
}

export async function setRights(userId: string, rights: { canChangePassword: boolean; canReceiveSms: boolean }, actorId: string | null) {
  const before = await getUser(userId);
  if (!before) throw new UserError(ErrorCodes.NOT_FOUND, "Account not found.");
  await db.update(users).set(rights).where(eq(users.id, userId));
  const changes: Record<string, { from: boolean; to: boolean }> = {};
  if (before.canChangePassword !== rights.canChangePassword) changes.canChangePassword = { from: before.canChangePassword, to: rights.canChangePassword };
  if (before.canReceiveSms !== rights.canReceiveSms) changes.canReceiveSms = { from: before.canReceiveSms, to: rights.canReceiveSms };
  if (Object.keys(changes).length) await audit({ action: "account.rights_changed", userId, actorId, detail: changes });
}

/** A12: an admin creates an account. The email may be marked confirmed; the account is active. */
export async function createAccountByAdmin(input: {
  name: string;
  email: string;
  password: string;
  emailConfirmed: boolean;
  /** E.164; entered by the admin, so stored as confirmed. */
  phone?: string | null;
  isAdmin?: boolean;
  actorId: string | null;
}) {
  const email = normalizeEmail(input.email);
  const problem = passwordProblem(input.password, email);
  if (problem) throw new UserError(ErrorCodes.WEAK_PASSWORD, problem, "password");
  if (await findUserByEmail(email)) throw new UserError(ErrorCodes.EMAIL_IN_USE, "An account with this email already exists.", "email");
  if (input.phone && (await findUserByConfirmedPhone(input.phone))) {
    throw new UserError(ErrorCodes.PHONE_IN_USE, "Another account already uses this phone number.", "phone");
  }
  const passwordHash = await hashPassword(input.password);
  const id = newId();
  const rows = await db
    .insert(users)
    .values({
      id,
      name: input.name.trim(),
      email,
      passwordHash,
      status: "active",
      activatedAt: new Date(),
      emailVerifiedAt: input.emailConfirmed ? new Date() : null,
      phone: input.phone ?? null,
      phoneVerifiedAt: input.phone ? new Date() : null,
      isAdmin: input.isAdmin ?? false,
      ...(await newAccountTwoFactorDefaults()),
    })
    .onConflictDoNothing()
    .returning();
  if (!rows.length) throw new UserError(ErrorCodes.EMAIL_IN_USE, "An account with this email already exists.", "email");
  await createInitialProfile(id, input.name);
  await audit({ action: "account.created", userId: id, actorId: input.actorId, detail: { method: "admin", isAdmin: input.isAdmin ?? false } });
  return rows[0]!;
}

/** Creates the first admin from the environment when there is none yet; idempotent. */
export async function ensureAdmin(email: string | undefined, password: string | undefined) {
  if (!email || !password) return null;
  const [anyAdmin] = await db.select({ id: users.id }).from(users).where(eq(users.isAdmin, true)).limit(1);
  if (anyAdmin) return null;
  const existing = await findUserByEmail(email);
  if (existing) {
    await db.update(users).set({ isAdmin: true }).where(eq(users.id, existing.id));
    await audit({ action: "account.made_admin", userId: existing.id, actorId: SYSTEM_ACTOR, detail: { source: "environment" } });
    return existing.id;
  }
  const u = await createAccountByAdmin({ name: "Administrator", email, password, emailConfirmed: true, isAdmin: true, actorId: SYSTEM_ACTOR });
  return u.id;
}

export type AccountListFilter = { q?: string; status?: "active" | "pending" | "blocked"; page?: number };

export async function listAccounts(filter: AccountListFilter) {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(users.status, filter.status));
  if (filter.q) {
    const q = `%${filter.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(users.email, q), ilike(users.name, q), ilike(users.phone, q))!);
  }
  const pageSize = 50;
  const page = Math.max(1, filter.page ?? 1);
  const rows = await db
    .select()
    .from(users)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(users.createdAt), asc(users.id))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize);
  return { rows: rows.slice(0, pageSize), hasMore: rows.length > pageSize, page };
}

export async function countAdmins() {
  const rows = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(and(eq(users.isAdmin, true), isNull(users.blockedAt)));
  return Number(rows[0]?.n ?? 0);
}
