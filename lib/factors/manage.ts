import "server-only";
// Managing one's own second factors (T7): removing a method, choosing the main and backup ones, the per-app switches, new recovery codes.
import { eq } from "drizzle-orm";
import { db } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { getUser } from "@/lib/accounts/queries";
import { audit } from "@/lib/audit";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { generateRecoveryCodes } from "@/lib/factors/recovery-codes";
import { type TwoFactorMethod } from "@/lib/settings";
import { removeTotp } from "@/lib/factors/totp";
import { loadPolicy, needsSecondFactor, requiredForEveryone } from "@/lib/factors/policy";
import { countCredentials, removeCredential } from "@/lib/factors/webauthn";
import { enrolledList, enrolmentOf } from "@/lib/factors/enrol";

/** Refuses to remove the last method while a second factor is required for this account. */
async function assertNotLast(user: User, removing: TwoFactorMethod) {
  const policy = await loadPolicy();
  const required = needsSecondFactor(user, policy, "manager");
  const remaining = enrolledList(await enrolmentOf(user)).filter((m) => m !== removing);
  if (required && remaining.length === 0) {
    throw new UserError(ErrorCodes.NOT_ALLOWED, "This is your last two-step method and your account requires two-step verification. Add another method first.");
  }
}

async function afterRemoval(user: User, method: TwoFactorMethod) {
  const fresh = (await getUser(user.id))!;
  const left = enrolledList(await enrolmentOf(fresh));
  const patch: Partial<User> = {};
  if (fresh.primaryMethod === method)
    patch.primaryMethod = fresh.backupMethod && left.includes(fresh.backupMethod as TwoFactorMethod) ? fresh.backupMethod : (left[0] ?? null);
  if (fresh.backupMethod === method || patch.primaryMethod === fresh.backupMethod) patch.backupMethod = null;
  if (Object.keys(patch).length) await db.update(users).set(patch).where(eq(users.id, user.id));
  await audit({ action: "two_factor.method_removed", userId: user.id, actorId: user.id, detail: { method } });
}

export async function removeMethod(user: User, method: TwoFactorMethod, credentialId?: string) {
  if (method === "webauthn") {
    if (!credentialId) throw new UserError(ErrorCodes.INVALID_INPUT, "Choose a security key.");
    if ((await countCredentials(user.id)) === 1) await assertNotLast(user, "webauthn");
    await removeCredential(user.id, credentialId);
    if ((await countCredentials(user.id)) === 0) await afterRemoval(user, "webauthn");
    return;
  }
  await assertNotLast(user, method);
  if (method === "email") await db.update(users).set({ twoFactorEmailConfirmedAt: null }).where(eq(users.id, user.id));
  else if (method === "totp") await removeTotp(user.id);
  else if (method === "sms") await db.update(users).set({ phone: null, phoneVerifiedAt: null }).where(eq(users.id, user.id));
  await afterRemoval(user, method);
}

export async function choosePrimaryAndBackup(user: User, primary: TwoFactorMethod, backup: TwoFactorMethod | null) {
  const enrolled = enrolledList(await enrolmentOf(user));
  if (!enrolled.includes(primary)) throw new UserError(ErrorCodes.INVALID_INPUT, "Set up this method before making it your main one.", "primary");
  if (backup && !enrolled.includes(backup)) throw new UserError(ErrorCodes.INVALID_INPUT, "Set up this method before making it your backup.", "backup");
  if (backup === primary) throw new UserError(ErrorCodes.INVALID_INPUT, "Choose a backup different from the main method.", "backup");
  await db.update(users).set({ primaryMethod: primary, backupMethod: backup }).where(eq(users.id, user.id));
  await audit({ action: "two_factor.methods_chosen", userId: user.id, actorId: user.id, detail: { primary, backup } });
}

/**
 * Turns an account's second step on or off for an app (the Manager app only for admins): by the
 * user on the security tab, or by an admin. Off is refused while the policy asks every account.
 */
export async function setTwoFactorFor(target: User, app: "web" | "manager", on: boolean, actorId: string) {
  if (app === "manager" && !target.isAdmin && on) throw new UserError(ErrorCodes.NOT_ALLOWED, "Only admins use the Manager app.");
  const current = app === "web" ? target.twoFactorWeb : target.twoFactorManager;
  if (current === on) return false;
  if (!on && actorId === target.id && requiredForEveryone(await loadPolicy())) {
    throw new UserError(ErrorCodes.NOT_ALLOWED, "Your administrator requires a second step for every account, so it cannot be turned off.");
  }
  if (on && actorId === target.id) {
    const enrolled = enrolledList(await enrolmentOf(target));
    if (enrolled.length === 0) throw new UserError(ErrorCodes.NOT_ALLOWED, "Set up a two-step method first.");
  }
  await db
    .update(users)
    .set(app === "web" ? { twoFactorWeb: on } : { twoFactorManager: on })
    .where(eq(users.id, target.id));
  await audit({ action: on ? "two_factor.enabled" : "two_factor.disabled", userId: target.id, actorId, detail: { app } });
  return true;
}

export async function regenerateRecoveryCodes(user: User) {
  const codes = await generateRecoveryCodes(user.id);
  await audit({ action: "two_factor.recovery_codes_regenerated", userId: user.id, actorId: user.id });
  return codes;
}
