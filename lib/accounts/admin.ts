import "server-only";
// The Manager app's work on accounts (A2, A9, A12): blocking, rights, accounts it creates, the first admin, the list.
import { insertAccount } from "@/lib/accounts/create";
import { and, asc, desc, eq, ilike, isNull, ne, or, sql, type SQL } from "drizzle-orm";
import { db } from "@/lib/db";
import { users } from "@/db/schema";
import { audit } from "@/lib/audit";
import { SYSTEM_ACTOR } from "@/lib/audit/actions";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hashPassword, passwordProblem } from "@/lib/passwords";
import { revokeAllSessions } from "@/lib/auth/sessions";
import { endAppSessions } from "@/lib/oidc/grants";
import { loadPolicy } from "@/lib/factors/policy";
import { setTwoFactorFor } from "@/lib/factors/manage";
import { parsePhone } from "@/lib/phone/parse";
import { createInitialProfile } from "@/lib/profiles";
import { findUserByConfirmedPhone, findUserByEmail, getUser, normalizeEmail } from "@/lib/accounts/queries";

export async function blockAccount(userId: string, actorId: string | null) {
  if (actorId === userId) throw new UserError(ErrorCodes.NOT_ALLOWED, "You cannot block your own account.");
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
  const created = await insertAccount({
    name: input.name,
    email,
    passwordHash,
    active: true,
    emailConfirmed: input.emailConfirmed,
    phone: input.phone,
    isAdmin: input.isAdmin,
  });
  if (!created) throw new UserError(ErrorCodes.EMAIL_IN_USE, "An account with this email already exists.", "email");
  await createInitialProfile(created.id, input.name);
  await audit({ action: "account.created", userId: created.id, actorId: input.actorId, detail: { method: "admin", isAdmin: input.isAdmin ?? false } });
  return created;
}

/**
 * An account made in the Manager app (A12): the phone, typed with its country, is required while SMS
 * is an allowed two-step method (T8), so that every account can receive its codes.
 */
export async function createAccountInManager(input: {
  name: string;
  email: string;
  password: string;
  emailConfirmed: boolean;
  phone: string;
  phoneCountry: string;
  actorId: string;
}) {
  const policy = await loadPolicy();
  if (!input.phone && policy.enabled && policy.allowedMethods.includes("sms")) {
    throw new UserError(ErrorCodes.INVALID_INPUT, "Enter a phone number: SMS is an allowed two-step method.", "phone");
  }
  const phone = input.phone ? parsePhone(input.phone, input.phoneCountry).e164 : null;
  return createAccountByAdmin({ ...input, phone });
}

/** An admin's rights form (A2, T6): what the account may do, and its two-step switches per app. */
export async function saveAccountRights(
  userId: string,
  rights: { canChangePassword: boolean; canReceiveSms: boolean; twoFactorWeb: boolean; twoFactorManager: boolean },
  actorId: string,
) {
  await setRights(userId, { canChangePassword: rights.canChangePassword, canReceiveSms: rights.canReceiveSms }, actorId);
  const target = await getUser(userId);
  if (target && target.twoFactorWeb !== rights.twoFactorWeb) await setTwoFactorFor(target, "web", rights.twoFactorWeb, actorId);
  if (target?.isAdmin && target.twoFactorManager !== rights.twoFactorManager) await setTwoFactorFor(target, "manager", rights.twoFactorManager, actorId);
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

/** `phone: "missing"`: the accounts without a confirmed phone that are not blocked (as the two-factor page counts them). */
export type AccountListFilter = { q?: string; status?: "active" | "pending" | "blocked"; phone?: "missing"; page?: number };

export async function listAccounts(filter: AccountListFilter) {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(users.status, filter.status));
  if (filter.phone === "missing") where.push(isNull(users.phoneVerifiedAt), ne(users.status, "blocked"));
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
