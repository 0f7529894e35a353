import "server-only";
// Password recovery (A8): by email (link + code) always, by SMS when phone confirmation is on. Never reveals an account.
import { eq } from "drizzle-orm";
import { type Db as Tx } from "@/db/client";
import { users, type User } from "@/db/schema";
import { findUserByConfirmedPhone, findUserByEmail, getUser, normalizeEmail } from "@/lib/accounts/queries";
import { audit } from "@/lib/audit";
import { consumeCode, consumeLink, linkOwner, RESEND_COOLDOWN_SECONDS, type ConsumedCode } from "@/lib/codes";
import { sendSecurityNotice } from "@/lib/delivery/notices";
import { passwordResetNoticeTemplate, recoveryTemplate } from "@/lib/delivery/email/templates";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hashPassword, passwordProblem } from "@/lib/passwords";
import { parsePhone } from "@/lib/phone/parse";
import { clear, hit, retryAfterText } from "@/lib/limits/store";
import { getSettings } from "@/lib/settings";
import { sendEmailCode, sendPhoneCode, smsAllowedFor } from "@/lib/codes/send";
import { revokeAllSessions } from "@/lib/auth/sessions";
import { forgetAllTrustedDevices } from "@/lib/factors/trusted-devices";
import { deliverLater } from "@/lib/delivery/deferred";
import { uniformTime } from "@/lib/uniform-time";
import { chargeSmsClient, type SmsClient } from "@/lib/limits/sms-clients";

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
  const cool = await hit(`recover-cooldown:${t.target}`, { max: 1, windowSeconds: RESEND_COOLDOWN_SECONDS });
  if (!cool.success) throw new UserError(ErrorCodes.RESEND_COOLDOWN, `Please wait ${retryAfterText(cool.resetAt)} before asking for a new code.`, "identifier");
  const sends = await hit(`recover-start:${t.target}`, { max: 5, windowSeconds: 600 });
  if (!sends.success) throw new UserError(ErrorCodes.RATE_LIMITED, `Too many codes were requested. Try again in ${retryAfterText(sends.resetAt)}.`, "identifier");
  // A code by SMS is charged to the client whether or not the number has an account.
  if (t.kind === "phone") await chargeSmsClient(client, "identifier");
  // Whether a message goes out, and whether it is delivered, never shapes the answer: delivery
  // happens after it (lib/background.ts) and the answer takes the same time either way.
  await uniformTime("recovery", async () => {
    if (t.kind === "email") {
      const user = await findUserByEmail(t.target);
      if (!user) return false;
      deliverLater("recovery email", "email", () =>
        giveCooldownBackOnFailure(t, () =>
          sendEmailCode({
            purpose: "recovery",
            email: t.target,
            userId: user.id,
            withLink: true,
            template: (code, linkToken) => recoveryTemplate({ code, linkToken: linkToken! }),
          }),
        ),
      );
      return true;
    }
    if (!(await smsAllowedFor(t.target))) throw new UserError(ErrorCodes.NOT_ALLOWED, "We can't send text messages to this country.", "identifier");
    const user = await findUserByConfirmedPhone(t.target);
    if (!user || !user.canReceiveSms) return false;
    deliverLater("recovery SMS", "sms", () =>
      giveCooldownBackOnFailure(t, () => sendPhoneCode({ purpose: "recovery", phone: t.target, userId: user.id, ip, field: "identifier" })),
    );
    return true;
  });
}

/** A failed delivery gives the cooldown back, so asking again works at once (O5). */
async function giveCooldownBackOnFailure(t: RecoveryTarget, send: () => Promise<void>) {
  try {
    await send();
  } catch (err) {
    if (err instanceof UserError && err.code === ErrorCodes.DELIVERY_FAILED) await clear(`recover-cooldown:${t.target}`);
    throw err;
  }
}

/** The new password, written in the transaction that consumes the code or link: every session ends, trusted devices are forgotten. */
async function applyNewPassword(q: Tx, consumed: ConsumedCode, passwordHash: string, ip: string | null): Promise<User> {
  const [user] = consumed.userId ? await q.select().from(users).where(eq(users.id, consumed.userId)).limit(1) : [];
  if (!user) throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
  await q.update(users).set({ passwordHash }).where(eq(users.id, user.id));
  const ended = await revokeAllSessions(user.id, q);
  await forgetAllTrustedDevices(user.id, q);
  await audit({ action: "password.reset", userId: user.id, actorId: user.id, ip, detail: { endedSessions: ended } }, q);
  return user;
}

/** After the reset is committed: the owner is told (a failed notice is kept and retried, lib/notices.ts). */
async function resetDone(user: User) {
  if (user.email) await sendSecurityNotice({ userId: user.id, to: user.email, kind: "password_reset", message: passwordResetNoticeTemplate({ name: user.name }) });
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
