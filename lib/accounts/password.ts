import "server-only";
// The password as first factor (A1) and changing it (A7).
import { eq } from "drizzle-orm";
import { db } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { audit } from "@/lib/audit";
import { passwordChangedTemplate } from "@/lib/delivery/email/templates";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hashPassword, passwordProblem, verifyPassword } from "@/lib/passwords";
import { clear, hit, retryAfterText } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";
import { revokeOtherSessions } from "@/lib/auth/sessions";
import { forgetAllTrustedDevices } from "@/lib/factors/trusted-devices";
import { assertNotBlocked } from "@/lib/blocking";
import { sendSecurityNotice } from "@/lib/delivery/notices";
import { getUser } from "@/lib/accounts/queries";

/** First factor by password (A1). Same message for an unknown identifier and a wrong password. */
export async function checkPassword(input: { user: User | null; identifierKey: string; password: string; ip?: string | null }) {
  const idLimit = await hit(LIMITS.signInPerIdentifier(input.identifierKey));
  const ipLimit = input.ip ? await hit(LIMITS.signInPerIp(input.ip)) : null;
  if (!idLimit.success || (ipLimit && !ipLimit.success)) {
    const resetAt = !idLimit.success ? idLimit.resetAt : ipLimit!.resetAt;
    throw new UserError(ErrorCodes.RATE_LIMITED, `Too many sign-in attempts. Try again in ${retryAfterText(resetAt)}.`);
  }
  const ok = await verifyPassword(input.user?.passwordHash, input.password, input.user?.id);
  if (!ok || !input.user) {
    await audit({ action: "signin.failed", userId: input.user?.id ?? null, ip: input.ip, detail: { method: "password" } });
    throw new UserError(ErrorCodes.INVALID_CREDENTIALS, "The email, phone or password is not right.");
  }
  // Blocked by an admin, or the scheduled blocking date has come (A9).
  await assertNotBlocked(input.user, { ip: input.ip });
  // Every attempt is counted before the hash is checked (parallel guesses cannot slip past the limit);
  // the right password clears the account's count, so its owner is never locked out by their own sign-ins.
  await clear(LIMITS.signInPerIdentifier(input.identifierKey));
  return input.user;
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
  if (user.email) await sendSecurityNotice({ userId: user.id, to: user.email, kind: "password_changed", message: await passwordChangedTemplate({ name: user.name }) });
}
