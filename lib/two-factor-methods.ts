import "server-only";
// Managing one's own second factors (T7): enrol, remove, choose primary and backup, recovery codes, per-app switches.
import { eq } from "drizzle-orm";
import { db, type Db as Tx } from "@/db/client";
import { users, type User } from "@/db/schema";
import { getUser } from "./accounts";
import { audit } from "./audit";
import { consumeCode } from "./codes";
import { twoFactorEmailConfirmTemplate } from "./email/templates";
import { ErrorCodes, UserError } from "./errors";
import { generateRecoveryCodes, remainingRecoveryCodes } from "./recovery-codes";
import { type TwoFactorMethod } from "./settings";
import { confirmTotpEnrolment, removeTotp } from "./totp";
import { loadPolicy, needsSecondFactor, requiredForEveryone } from "./two-factor";
import { sendEmailCode } from "./verification";
import { countCredentials, finishRegistration, removeCredential } from "./webauthn";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { assertAllowed } from "./permissions";

export type Enrolment = Record<TwoFactorMethod, boolean>;

export async function enrolmentOf(user: User): Promise<Enrolment> {
  return {
    email: Boolean(user.email && user.twoFactorEmailConfirmedAt),
    sms: Boolean(user.phone && user.phoneVerifiedAt && user.canReceiveSms),
    totp: Boolean(user.totpSecret),
    webauthn: (await countCredentials(user.id)) > 0,
  };
}

const enrolledList = (e: Enrolment) => (Object.keys(e) as TwoFactorMethod[]).filter((m) => e[m]);

export type EnrolmentResult = {
  /** 10 fresh recovery codes after the account's first method (shown once), else null. */
  codes: string[] | null;
  /** The Web app's second step was off and this enrolment turned it on (seed 004). */
  turnedOn: boolean;
};

/**
 * Called after any enrolment: the first one makes that method primary (later ones the backup) and
 * turns the second step on for the Web app; the account gets 10 fresh recovery codes (shown once)
 * whenever it has none left.
 */
export async function afterEnrolment(userId: string, method: TwoFactorMethod, q: Tx = db): Promise<EnrolmentResult> {
  const [user] = await q.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) return { codes: null, turnedOn: false };
  const patch: Partial<User> = {};
  const first = !user.primaryMethod;
  if (first) patch.primaryMethod = method;
  else if (!user.backupMethod && user.primaryMethod !== method) patch.backupMethod = method;
  // Only the first method switches the second step on: a user who later turned it off keeps it off.
  if (first && !user.twoFactorWeb) patch.twoFactorWeb = true;
  if (Object.keys(patch).length) await q.update(users).set(patch).where(eq(users.id, userId));
  await audit({ action: "two_factor.method_added", userId, actorId: userId, detail: { method } }, q);
  if (patch.twoFactorWeb) await audit({ action: "two_factor.enabled", userId, actorId: userId, detail: { app: "web", method } }, q);
  const codes = (await remainingRecoveryCodes(userId, q)) > 0 ? null : await generateRecoveryCodes(userId, q);
  return { codes, turnedOn: Boolean(patch.twoFactorWeb) };
}

export async function startEmailMethod(user: User) {
  await assertAllowed(user, "enable_2fa");
  if (!user.email) throw new UserError(ErrorCodes.NOT_ALLOWED, "Add an email address to your account first.");
  await sendEmailCode({ purpose: "method_confirm", email: user.email, userId: user.id, template: (code) => twoFactorEmailConfirmTemplate({ code }) });
}

/** Email codes set up with the emailed code: the method, and its recovery codes, in the code's transaction. */
export async function confirmEmailMethod(user: User, code: string) {
  if (!user.email) throw new UserError(ErrorCodes.NOT_ALLOWED, "Add an email address to your account first.");
  let result: EnrolmentResult | undefined;
  await consumeCode({ purpose: "method_confirm", target: user.email, code }, async (q, consumed) => {
    if (consumed.userId !== user.id) throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
    const now = new Date();
    // The code proves the address, so it also counts as the account's email confirmation.
    await q.update(users).set({ twoFactorEmailConfirmedAt: now, emailVerifiedAt: user.emailVerifiedAt ?? now }).where(eq(users.id, user.id));
    result = await afterEnrolment(user.id, "email", q);
  });
  return result!;
}

/** The authenticator app set up with a current code: the secret, the method and its recovery codes in one transaction. */
export async function confirmTotpMethod(user: User, code: string): Promise<EnrolmentResult> {
  let result: EnrolmentResult | undefined;
  await confirmTotpEnrolment(user.id, code, async (q) => {
    result = await afterEnrolment(user.id, "totp", q);
  });
  return result!;
}

/** A security key registered: the key, the method and its recovery codes in one transaction. */
export async function addSecurityKey(user: User, response: RegistrationResponseJSON, name: string): Promise<EnrolmentResult> {
  let result: EnrolmentResult | undefined;
  await finishRegistration(user.id, response, name, async (q) => {
    result = await afterEnrolment(user.id, "webauthn", q);
  });
  return result!;
}

/** Refuses to remove the last method while a second factor is required for this account. */
async function assertNotLast(user: User, removing: TwoFactorMethod) {
  const policy = await loadPolicy();
  const required = needsSecondFactor(user, policy, "manager");
  const remaining = enrolledList(await enrolmentOf(user)).filter((m) => m !== removing);
  if (required && remaining.length === 0) {
    throw new UserError(
      ErrorCodes.NOT_ALLOWED,
      "This is your last two-step method and your account requires two-step verification. Add another method first.",
    );
  }
}

async function afterRemoval(user: User, method: TwoFactorMethod) {
  const fresh = (await getUser(user.id))!;
  const left = enrolledList(await enrolmentOf(fresh));
  const patch: Partial<User> = {};
  if (fresh.primaryMethod === method) patch.primaryMethod = fresh.backupMethod && left.includes(fresh.backupMethod as TwoFactorMethod) ? fresh.backupMethod : (left[0] ?? null);
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
  await db.update(users).set(app === "web" ? { twoFactorWeb: on } : { twoFactorManager: on }).where(eq(users.id, target.id));
  await audit({ action: on ? "two_factor.enabled" : "two_factor.disabled", userId: target.id, actorId, detail: { app } });
  return true;
}

export async function regenerateRecoveryCodes(user: User) {
  const codes = await generateRecoveryCodes(user.id);
  await audit({ action: "two_factor.recovery_codes_regenerated", userId: user.id, actorId: user.id });
  return codes;
}
