import "server-only";
// Setting up one's own second factors (T7): what is set up, and what every first or later method brings (primary, backup, the second step turned on, recovery codes).
import { assertMethodAllowed } from "@/lib/factors/policy";
import { eq } from "drizzle-orm";
import { db, type Db as Tx } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { audit } from "@/lib/audit";
import { consumeCode } from "@/lib/codes";
import { twoFactorEmailConfirmTemplate } from "@/lib/delivery/email/templates";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { generateRecoveryCodes, remainingRecoveryCodes } from "@/lib/factors/recovery-codes";
import { type TwoFactorMethod } from "@/lib/settings";
import { confirmTotpEnrolment } from "@/lib/factors/totp";
import { sendCode } from "@/lib/codes/send";
import { countCredentials, finishRegistration } from "@/lib/factors/webauthn";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { assertAllowed } from "@/lib/permissions";

export type Enrolment = Record<TwoFactorMethod, boolean>;

export async function enrolmentOf(user: User): Promise<Enrolment> {
  return {
    email: Boolean(user.email && user.twoFactorEmailConfirmedAt),
    sms: Boolean(user.phone && user.phoneVerifiedAt && user.canReceiveSms),
    totp: Boolean(user.totpSecret),
    webauthn: (await countCredentials(user.id)) > 0,
  };
}

export const enrolledList = (e: Enrolment) => (Object.keys(e) as TwoFactorMethod[]).filter((m) => e[m]);

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
  await assertMethodAllowed("email");
  if (!user.email) throw new UserError(ErrorCodes.NOT_ALLOWED, "Add an email address to your account first.");
  await sendCode(
    { purpose: "method_confirm", channel: "email", target: user.email },
    { userId: user.id, template: (code) => twoFactorEmailConfirmTemplate({ code }) },
  );
}

/** Email codes set up with the emailed code: the method, and its recovery codes, in the code's transaction. */
export async function confirmEmailMethod(user: User, code: string) {
  if (!user.email) throw new UserError(ErrorCodes.NOT_ALLOWED, "Add an email address to your account first.");
  let result: EnrolmentResult | undefined;
  await consumeCode({ purpose: "method_confirm", target: user.email, code }, async (q, consumed) => {
    if (consumed.userId !== user.id) throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
    const now = new Date();
    // The code proves the address, so it also counts as the account's email confirmation.
    await q
      .update(users)
      .set({ twoFactorEmailConfirmedAt: now, emailVerifiedAt: user.emailVerifiedAt ?? now })
      .where(eq(users.id, user.id));
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
