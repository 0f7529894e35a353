import "server-only";
// The password as first factor (A1) and changing it (A7).
import { eq, sql, type SQL } from "drizzle-orm";
import { db } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { audit } from "@/lib/audit";
import { passwordChangedTemplate } from "@/lib/delivery/email/templates";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hashPassword, passwordProblem, verifyPassword } from "@/lib/passwords";
import { clear, countsInPostgres, hit, hitResults, hitsCte, retryAfterText, type LimitResult } from "@/lib/limits/store";
import { LIMITS, type KeyedLimit } from "@/lib/limits/catalogue";
import { revokeOtherSessions } from "@/lib/auth/sessions";
import { forgetAllTrustedDevices } from "@/lib/factors/trusted-devices";
import { assertNotBlocked } from "@/lib/blocking";
import { sendSecurityNotice } from "@/lib/delivery/notices";
import { getUser } from "@/lib/accounts/queries";

/** A password sign-in: the account it names (a condition on `users`, null when none can match) and the key it counts under. */
export type PasswordTry = { account: SQL | null; identifierKey: string; password: string; ip?: string | null };

/**
 * First factor by password (A1). Same message for an unknown identifier and a wrong password.
 * Every attempt is counted before the hash is checked (parallel guesses cannot slip past the limit),
 * in the statement that finds the account; a wrong one adds its audit entry: two statements. The
 * right password's count is to be cleared (`countedAs`), so its owner is never locked out by their own
 * sign-ins; the sign-in clears it in the statement that opens the session.
 */
export async function tryPassword(input: PasswordTry): Promise<{ user: User; countedAs: KeyedLimit }> {
  const limits = [LIMITS.signInPerIdentifier(input.identifierKey), ...(input.ip ? [LIMITS.signInPerIp(input.ip)] : [])];
  const { user, results } = await countAndFind(limits, input.account);
  const refused = results.find((r) => !r.success);
  if (refused) throw new UserError(ErrorCodes.RATE_LIMITED, `Too many sign-in attempts. Try again in ${retryAfterText(refused.resetAt)}.`);
  const ok = await verifyPassword(user?.passwordHash, input.password, user?.id);
  if (!ok || !user) {
    await audit({ action: "signin.failed", userId: user?.id ?? null, ip: input.ip, detail: { method: "password" } });
    throw new UserError(ErrorCodes.INVALID_CREDENTIALS, "The email, phone or password is not right.");
  }
  // Blocked by an admin, or the scheduled blocking date has come (A9).
  await assertNotBlocked(user, { ip: input.ip });
  return { user, countedAs: limits[0]! };
}

/** The hits and the account in one statement where the counts live in Postgres; with Upstash, one after the other. */
async function countAndFind(limits: KeyedLimit[], account: SQL | null) {
  if (!countsInPostgres()) {
    const results: LimitResult[] = [];
    for (const l of limits) results.push(await hit(l));
    const [user] = account ? await db.select().from(users).where(account).limit(1) : [];
    return { user: user ?? null, results };
  }
  const hits = hitsCte(limits);
  const rows = await db
    .with(hits)
    .select({ key: hits.key, count: hits.count, resetAt: hits.resetAt, user: users })
    .from(hits)
    .leftJoin(users, account ?? sql`false`);
  return { user: rows.find((r) => r.user)?.user ?? null, results: hitResults(limits, rows) };
}

/** The password of a known account checked as a sign-in would, its count then cleared. */
export async function checkPassword(input: { user: User | null; identifierKey: string; password: string; ip?: string | null }) {
  const { user, countedAs } = await tryPassword({ ...input, account: input.user ? eq(users.id, input.user.id) : null });
  await clear(countedAs);
  return user;
}

/** A7: change password. Ends every other session. */
export async function changePassword(input: { userId: string; current: string; next: string; keepSessionId: string | null }) {
  const user = await getUser(input.userId);
  if (!user) throw new UserError(ErrorCodes.NOT_FOUND, "Account not found.");
  if (!user.canChangePassword) throw new UserError(ErrorCodes.NOT_ALLOWED, "Your administrator does not allow changing the password of this account.");
  if (user.passwordHash && !(await verifyPassword(user.passwordHash, input.current, user.id))) {
    throw new UserError(ErrorCodes.WRONG_PASSWORD, "Your current password is not right.", "currentPassword");
  }
  const problem = passwordProblem(input.next, user.email);
  if (problem) throw new UserError(ErrorCodes.WEAK_PASSWORD, problem, "newPassword");
  const passwordHash = await hashPassword(input.next);
  await db.update(users).set({ passwordHash }).where(eq(users.id, user.id));
  const ended = await revokeOtherSessions(user.id, input.keepSessionId);
  await forgetAllTrustedDevices(user.id);
  await audit({ action: "password.changed", userId: user.id, actorId: user.id, detail: { endedSessions: ended } });
  if (user.email)
    await sendSecurityNotice({ userId: user.id, to: user.email, kind: "password_changed", message: await passwordChangedTemplate({ name: user.name }) });
}
