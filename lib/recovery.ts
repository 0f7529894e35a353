import "server-only";
// Password recovery (A8): by email (link + code) always, by SMS when phone confirmation is on. Never reveals an account.
import { eq } from "drizzle-orm";
import { db } from "@/db/client";
import { users } from "@/db/schema";
import { findUserByConfirmedPhone, findUserByEmail, getUser, normalizeEmail } from "./accounts";
import { audit } from "./audit";
import { consumeCode, consumeLink, linkOwner, RESEND_COOLDOWN_SECONDS, type ConsumedCode } from "./codes";
import { sendEmail } from "./email";
import { passwordResetNoticeTemplate, recoveryTemplate } from "./email/templates";
import { ErrorCodes, UserError } from "./errors";
import { hashPassword, passwordProblem } from "./passwords";
import { parsePhone } from "./phone";
import { clear, hit, retryAfterText } from "./rate-limit";
import { getSettings } from "./settings";
import { sendEmailCode, sendPhoneCode, smsAllowedFor } from "./verification";
import { revokeAllSessions } from "./auth/sessions";
import { endAppSessions } from "./oidc/grants";
import { forgetAllTrustedDevices } from "./trusted-devices";
import { deliverLater } from "./background";
import { uniformTime } from "./uniform-time";

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
export async function startRecovery(t: RecoveryTarget, ip: string | null) {
  const cool = await hit(`recover-cooldown:${t.target}`, { max: 1, windowSeconds: RESEND_COOLDOWN_SECONDS });
  if (!cool.success) throw new UserError(ErrorCodes.RESEND_COOLDOWN, `Please wait ${retryAfterText(cool.resetAt)} before asking for a new code.`, "identifier");
  const sends = await hit(`recover-start:${t.target}`, { max: 5, windowSeconds: 600 });
  if (!sends.success) throw new UserError(ErrorCodes.RATE_LIMITED, `Too many codes were requested. Try again in ${retryAfterText(sends.resetAt)}.`, "identifier");
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

async function applyNewPassword(consumed: ConsumedCode, password: string, ip: string | null) {
  const user = consumed.userId ? await getUser(consumed.userId) : null;
  if (!user) throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
  await db.update(users).set({ passwordHash: await hashPassword(password) }).where(eq(users.id, user.id));
  const ended = await revokeAllSessions(user.id);
  await endAppSessions(user.id);
  await forgetAllTrustedDevices(user.id);
  await audit({ action: "password.reset", userId: user.id, actorId: user.id, ip, detail: { endedSessions: ended } });
  if (user.email) await sendEmail({ to: user.email, ...passwordResetNoticeTemplate({ name: user.name }) }).catch(() => {});
  return user;
}

function checkNewPassword(password: string, email: string | null) {
  const problem = passwordProblem(password, email);
  if (problem) throw new UserError(ErrorCodes.WEAK_PASSWORD, problem, "newPassword");
}

/** Sets a new password with a typed code. The password is checked before the code is consumed. */
export async function resetPasswordWithCode(t: RecoveryTarget, code: string, password: string, ip: string | null) {
  checkNewPassword(password, t.kind === "email" ? t.target : null);
  const consumed = await consumeCode({ purpose: "recovery", target: t.target, code });
  return applyNewPassword(consumed, password, ip);
}

/** Sets a new password through an emailed link. */
export async function resetPasswordWithLink(token: string, password: string, ip: string | null) {
  const owner = await linkOwner("recovery", token);
  const user = owner?.userId ? await getUser(owner.userId) : null;
  checkNewPassword(password, user?.email ?? null);
  const consumed = await consumeLink({ purpose: "recovery", token });
  return applyNewPassword(consumed, password, ip);
}
