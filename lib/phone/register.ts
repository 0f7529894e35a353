import "server-only";
import { insertAccount } from "@/lib/accounts/create";
import { defineFlow } from "@/lib/flows";
import { z } from "zod";
// P1: registering with a phone number: the code, then the name (and optionally the email and a password).
import { confirmsEmail, findUserByConfirmedPhone, findUserByEmail, normalizeEmail } from "@/lib/accounts/queries";
import { sendActivationLetter } from "@/lib/accounts/activation";
import { sendConfirmationEmail } from "@/lib/accounts/confirm-email";
import { audit } from "@/lib/audit";
import { consumeCode } from "@/lib/codes";
import { prepareFirstFactor, writeFirstFactor, type FirstFactorStep } from "@/lib/auth/sign-in";
import { assertNotBlocked, isBlocked } from "@/lib/blocking";
import { ownsConfirmedPhone } from "@/lib/phone/login";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hashPassword, passwordProblem } from "@/lib/passwords";
import { getSettings } from "@/lib/settings";
import { createInitialProfile } from "@/lib/profiles";
import { chargeNewNumber, chargeSmsClient, type SmsClient } from "@/lib/limits/sms-clients";
import { deliverCode, reserveCode } from "@/lib/codes/send";

/** A registration by phone: the number a code was sent to, then the number proven by it. */
export const registrationFlows = {
  sent: defineFlow({ name: "reg_phone", ttlSeconds: 15 * 60, schema: z.object({ phone: z.string() }) }),
  verified: defineFlow({ name: "reg_verified", ttlSeconds: 30 * 60, schema: z.object({ phone: z.string() }) }),
};

export async function startPhoneRegistration(phone: string, ip: string | null, client: SmsClient) {
  const reservation = await reserveCode({ purpose: "phone_register", channel: "sms", target: phone });
  await chargeSmsClient(client);
  await chargeNewNumber();
  await deliverCode(reservation, { ip });
}

/**
 * Verifies the code. When this phone already has an account, proving it is a phone sign-in: the
 * session or the second step is decided before the code is consumed and written in the same
 * transaction (a failure leaves the code usable); `signIn` is then finished by the caller. A new
 * number writes nothing: the caller carries it to the details step.
 */
export async function verifyPhoneRegistration(phone: string, code: string): Promise<{ signIn: FirstFactorStep | null }> {
  const existing = await findUserByConfirmedPhone(phone);
  // A blocked account writes nothing: it is refused once the code is checked.
  const now = new Date();
  const step = existing && !isBlocked(existing, now) ? await prepareFirstFactor(existing, "sms_code", "/dashboard") : null;
  let owned = false as boolean;
  await consumeCode({ purpose: "phone_register", target: phone, code }, async (q) => {
    if (!existing) return;
    owned = await ownsConfirmedPhone(q, existing.id, phone);
    if (owned && step) await writeFirstFactor(q, step);
  });
  if (!existing || !owned) return { signIn: null };
  if (existing.status === "blocked") {
    throw new UserError(ErrorCodes.ACCOUNT_BLOCKED, "The account with this phone number is blocked. Contact your administrator.");
  }
  // A9: from its blocking date an account signs in by no route at all.
  await assertNotBlocked(existing, { now });
  return { signIn: step };
}

/** Creates the account for a verified phone. Email and password are optional unless the confirmation mode needs an email. */
export async function completePhoneRegistration(input: { phone: string; name: string; email?: string; password?: string; ip: string | null }) {
  const settings = await getSettings("account");
  const email = input.email ? normalizeEmail(input.email) : null;
  if (!email && (settings.confirmationMode === "email" || settings.confirmationMode === "both")) {
    throw new UserError(ErrorCodes.INVALID_INPUT, "Enter your email address: this site confirms accounts by email.", "email");
  }
  if (input.password) {
    const problem = passwordProblem(input.password, email);
    if (problem) throw new UserError(ErrorCodes.WEAK_PASSWORD, problem, "password");
  }
  if (email && (await findUserByEmail(email))) {
    throw new UserError(ErrorCodes.EMAIL_IN_USE, "An account already uses this email address. Sign in with it instead, or leave the email empty.", "email");
  }
  if (await findUserByConfirmedPhone(input.phone)) {
    throw new UserError(ErrorCodes.PHONE_IN_USE, "This phone number already belongs to an account. Sign in with it instead.", "phone");
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const active = settings.automaticActivation;
  const created = await insertAccount({ name: input.name, email, phone: input.phone, passwordHash, active });
  // Unique indexes close the race between two registrations of the same phone or email.
  if (!created) throw new UserError(ErrorCodes.PHONE_IN_USE, "This phone number or email already belongs to an account.", "phone");
  const { id } = created;
  await createInitialProfile(id, input.name);
  await audit({ action: "account.created", userId: id, actorId: id, ip: input.ip, detail: { method: "phone", status: active ? "active" : "pending" } });
  if (email && confirmsEmail(settings.confirmationMode)) {
    // The account stands even if this email fails: the banner offers to resend it.
    await sendConfirmationEmail({ id, name: input.name.trim(), email }).catch((err) => console.error("confirmation email not sent", err?.message ?? err));
  } else if (active) {
    // Nothing to confirm by email: the activation letter (A3) goes out now.
    await sendActivationLetter({ id, name: input.name.trim(), email });
  }
  return id;
}
