import "server-only";
import { defineFlow } from "@/lib/flows";
import { z } from "zod";
// Password recovery (A8): by email (link + code) always, by SMS when phone confirmation is on. Never reveals an account.
import { eq } from "drizzle-orm";
import { type Db as Tx } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { findUserByConfirmedPhone, findUserByEmail, getUser, normalizeEmail } from "@/lib/accounts/queries";
import { audit } from "@/lib/audit";
import { consumeCode, consumeLink, linkOwner, type ConsumedCode } from "@/lib/codes";
import { sendSecurityNotice } from "@/lib/delivery/notices";
import { passwordResetNoticeTemplate, recoveryTemplate } from "@/lib/delivery/email/templates";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hashPassword, passwordProblem } from "@/lib/passwords";
import { parsePhone } from "@/lib/phone/parse";
import { getSettings } from "@/lib/settings";
import { deliverCode, reserveCode } from "@/lib/codes/send";
import { revokeAllSessions } from "@/lib/auth/sessions";
import { endAppSessions } from "@/lib/oidc/grants";
import { forgetAllTrustedDevices } from "@/lib/factors/trusted-devices";
import { deliverLater } from "@/lib/delivery/deferred";
import { uniformTime } from "@/lib/uniform-time";
import { chargeSmsClient, type SmsClient } from "@/lib/limits/sms-clients";

/** The target a recovery code may have been sent to, between the request and the new password. */
export const recoveryFlow = defineFlow({
  name: "recover",
  ttlSeconds: 15 * 60,
  schema: z.object({ kind: z.enum(["email", "phone"]), target: z.string() }),
});

export type RecoveryTarget = { kind: "email" | "phone"; target: string };

/** Whether recovery by SMS is offered at all (the confirmation mode includes the phone). */
export async function smsRecoveryEnabled() {
  const { confirmationMode } = await getSettings("account");
  return confirmationMode === "phone" || confirmationMode === "both";
}

/** Resolves "Email or phone" into a recovery target, validating its format only. */
export async function recoveryTarget(identifier: string): Promise<RecoveryTarget> {
  const id = identifier.trim();
  if (id.includes("@")) return { kind: "email", target: normalizeEmail(id) };
  if (!(await smsRecoveryEnabled())) {
    throw new UserError(ErrorCodes.INVALID_INPUT, "Enter the email address of your account.", "identifier");
  }
  const { defaultCountry } = await getSettings("regional");
  return { kind: "phone", target: parsePhone(id, defaultCountry, "identifier").e164 };
}

/** Sends a recovery code (and, by email, a link) when an account matches; answers the same either way. */
export async function startRecovery(t: RecoveryTarget, ip: string | null, client: SmsClient) {
  const channel = t.kind === "email" ? "email" : "sms";
  const reservation = await reserveCode({ purpose: "recovery", channel, target: t.target, field: "identifier" });
  // A code by SMS is charged to the client whether or not the number has an account.
  if (channel === "sms") await chargeSmsClient(client, "identifier");
  // Whether a message goes out, and whether it is delivered, never shapes the answer: delivery
  // happens after it (lib/delivery/deferred.ts) and the answer takes the same time either way.
  await uniformTime("recovery", async () => {
    const user = channel === "email" ? await findUserByEmail(t.target) : await findUserByConfirmedPhone(t.target);
    if (!user || (channel === "sms" && !user.canReceiveSms)) return false;
    deliverLater(`recovery ${channel}`, channel, () =>
      deliverCode(reservation, {
        userId: user.id,
        ip,
        withLink: true,
        template: (code, linkToken) => recoveryTemplate({ code, linkToken: linkToken! }),
      }),
    );
    return true;
  });
}

/** The new password, written in the transaction that consumes the code or link: every session ends, trusted devices are forgotten. */
async function applyNewPassword(q: Tx, consumed: ConsumedCode, passwordHash: string, ip: string | null): Promise<User> {
  const [user] = consumed.userId ? await q.select().from(users).where(eq(users.id, consumed.userId)).limit(1) : [];
  if (!user) throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
  await q.update(users).set({ passwordHash }).where(eq(users.id, user.id));
  const ended = await revokeAllSessions(user.id, q);
  // Signed out of every app too; what the account allowed them stays.
  await endAppSessions(user.id, q);
  await forgetAllTrustedDevices(user.id, q);
  await audit({ action: "password.reset", userId: user.id, actorId: user.id, ip, detail: { endedSessions: ended } }, q);
  return user;
}

/** After the reset is committed: the owner is told (a failed notice is kept and retried, lib/notices.ts). */
async function resetDone(user: User) {
  if (user.email)
    await sendSecurityNotice({ userId: user.id, to: user.email, kind: "password_reset", message: await passwordResetNoticeTemplate({ name: user.name }) });
  return user;
}

function checkNewPassword(password: string, email: string | null) {
  const problem = passwordProblem(password, email);
  if (problem) throw new UserError(ErrorCodes.WEAK_PASSWORD, problem, "newPassword");
}

/** Sets a new password with a typed code. The password is checked (and hashed) before the code is consumed. */
export async function resetPasswordWithCode(t: RecoveryTarget, code: string, password: string, ip: string | null) {
  checkNewPassword(password, t.kind === "email" ? t.target : null);
  const passwordHash = await hashPassword(password);
  let user: User | undefined;
  await consumeCode({ purpose: "recovery", target: t.target, code }, async (q, consumed) => {
    user = await applyNewPassword(q, consumed, passwordHash, ip);
  });
  return resetDone(user!);
}

/** Sets a new password through an emailed link. */
export async function resetPasswordWithLink(token: string, password: string, ip: string | null) {
  const owner = await linkOwner("recovery", token);
  const known = owner?.userId ? await getUser(owner.userId) : null;
  checkNewPassword(password, known?.email ?? null);
  const passwordHash = await hashPassword(password);
  let user: User | undefined;
  await consumeLink({ purpose: "recovery", token }, async (q, consumed) => {
    user = await applyNewPassword(q, consumed, passwordHash, ip);
  });
  return resetDone(user!);
}
