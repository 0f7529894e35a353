import "server-only";
// Phone sign-in (P2), phone registration (P1) and phone confirmation (A4, P3): codes by SMS through lib/verification.
import { and, eq, ne, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { users, type User } from "@/db/schema";
import { confirmsEmail, findUserByConfirmedPhone, findUserByEmail, normalizeEmail, sendActivationLetter, sendConfirmationEmail, getUser } from "./accounts";
import { audit } from "./audit";
import { consumeCode, RESEND_COOLDOWN_SECONDS, type CodePurpose } from "./codes";
import { newId } from "./crypto";
import { ErrorCodes, UserError } from "./errors";
import { hashPassword, passwordProblem } from "./passwords";
import { clear, hit, retryAfterText } from "./rate-limit";
import { getSettings } from "./settings";
import { sendPhoneCode, smsAllowedFor } from "./verification";
import { loadPolicy, newAccountTwoFactorDefaults } from "./two-factor";
import { afterEnrolment, type EnrolmentResult } from "./two-factor-methods";
import { assertNotBlocked } from "./blocking";
import { assertAllowed } from "./permissions";
import { createInitialProfile } from "./profiles";
import { deliverLater } from "./background";
import { uniformTime } from "./uniform-time";
import { sendSecurityNotice } from "./notices";
import { phoneInUseTemplate } from "./email/templates";
import { formatPhone } from "./phone";
import { chargeNewNumber, chargeSmsClient, type SmsClient } from "./sms-clients";

// New phone numbers an account may try per hour (security tab, /confirm, SMS set-up at sign-in).
const PHONE_CLAIMS_PER_ACCOUNT = { max: 10, windowSeconds: 60 * 60 };

/**
 * Checks every limit that must look the same whether or not an account exists, before any lookup:
 * the allowlist, the 30-second cooldown and 5 sends per 10 minutes per number.
 */
export async function preSendChecks(purpose: CodePurpose, phone: string, field = "phone") {
  if (!(await smsAllowedFor(phone))) throw new UserError(ErrorCodes.NOT_ALLOWED, "We can't send text messages to this country.", field);
  const cool = await hit(`sms-cooldown:${purpose}:${phone}`, { max: 1, windowSeconds: RESEND_COOLDOWN_SECONDS });
  if (!cool.success) throw new UserError(ErrorCodes.RESEND_COOLDOWN, `Please wait ${retryAfterText(cool.resetAt)} before asking for a new code.`, field);
  const sends = await hit(`sms-start:${purpose}:${phone}`, { max: 5, windowSeconds: 600 });
  if (!sends.success) throw new UserError(ErrorCodes.RATE_LIMITED, `Too many codes were requested. Try again in ${retryAfterText(sends.resetAt)}.`, field);
}

/** Sends a code after preSendChecks; a failed delivery gives the cooldown back, so the user can retry at once. */
async function sendAfterChecks(purpose: CodePurpose, input: Parameters<typeof sendPhoneCode>[0]) {
  try {
    await sendPhoneCode(input);
  } catch (err) {
    if (err instanceof UserError && err.code === ErrorCodes.DELIVERY_FAILED) await clear(`sms-cooldown:${purpose}:${input.phone}`);
    throw err;
  }
}

// ——— P2: sign in with a phone code ———

/** Sends a sign-in code only when an account has this confirmed phone and may receive SMS; says nothing either way. */
export async function startPhoneLogin(phone: string, ip: string | null, client: SmsClient) {
  await preSendChecks("phone_login", phone);
  await chargeSmsClient(client);
  // The SMS goes out after the answer (its time or failure would reveal the account); the answer
  // takes the same time either way.
  await uniformTime("phone login", async () => {
    const user = await findUserByConfirmedPhone(phone);
    if (!user || !user.canReceiveSms || user.status === "blocked") return false;
    deliverLater("phone sign-in SMS", "sms", () => sendAfterChecks("phone_login", { purpose: "phone_login", phone, userId: user.id, ip }));
    return true;
  });
}

export async function finishPhoneLogin(phone: string, code: string): Promise<User> {
  const consumed = await consumeCode({ purpose: "phone_login", target: phone, code });
  const user = consumed.userId ? await getUser(consumed.userId) : null;
  if (!user || user.phone !== phone || !user.phoneVerifiedAt) {
    throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
  }
  await assertNotBlocked(user);
  return user;
}

// ——— P1: register with a phone number ———

export async function startPhoneRegistration(phone: string, ip: string | null, client: SmsClient) {
  await preSendChecks("phone_register", phone);
  await chargeSmsClient(client);
  await chargeNewNumber();
  await sendAfterChecks("phone_register", { purpose: "phone_register", phone, ip });
}

/** Verifies the code; returns the existing account when this phone already has one (the owner is then signed in). */
export async function verifyPhoneRegistration(phone: string, code: string): Promise<{ existing: User | null }> {
  await consumeCode({ purpose: "phone_register", target: phone, code });
  const existing = await findUserByConfirmedPhone(phone);
  if (existing?.status === "blocked") {
    throw new UserError(ErrorCodes.ACCOUNT_BLOCKED, "The account with this phone number is blocked. Contact your administrator.");
  }
  return { existing };
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
  const id = newId();
  const now = new Date();
  try {
    await db.insert(users).values({
      id,
      name: input.name.trim(),
      email,
      phone: input.phone,
      phoneVerifiedAt: now,
      passwordHash,
      status: active ? "active" : "pending",
      activatedAt: active ? now : null,
      ...(await newAccountTwoFactorDefaults()),
    });
  } catch (err) {
    // Unique indexes close the race between two registrations of the same phone or email.
    if (String((err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code) === "23505") {
      throw new UserError(ErrorCodes.PHONE_IN_USE, "This phone number or email already belongs to an account.", "phone");
    }
    throw err;
  }
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

// ——— A4/P3: confirm (or change) the account's phone ———

/**
 * A signed-in account asks for a code to a phone it wants to add or change (/account/security,
 * /confirm, and the SMS set-up at /login/verify). The answer is the same whether or not the number
 * belongs to another account: a free number gets the code after the answer; the owner of a taken one
 * gets an email instead of an SMS (as the email change does), and the answers take the same time.
 * Limited per account (10 numbers an hour) besides the number's own limits.
 */
export async function claimPhone(user: User, phone: string, purpose: "phone_confirm" | "two_factor", ip: string | null) {
  if (!user.canReceiveSms) throw new UserError(ErrorCodes.NOT_ALLOWED, "Your administrator has turned off text messages for this account.", "phone");
  const claims = await hit(`phone-claims:${user.id}`, PHONE_CLAIMS_PER_ACCOUNT);
  if (!claims.success) throw new UserError(ErrorCodes.RATE_LIMITED, `Too many phone numbers were tried. Try again in ${retryAfterText(claims.resetAt)}.`, "phone");
  await preSendChecks(purpose, phone);
  await chargeNewNumber();
  await uniformTime("phone claim", async () => {
    const [owner] = await db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(and(eq(users.phone, phone), sql`${users.phoneVerifiedAt} is not null`, ne(users.id, user.id)))
      .limit(1);
    if (owner) {
      if (owner.email) {
        const notice = { userId: owner.id, to: owner.email, kind: "phone_in_use" as const, message: phoneInUseTemplate({ name: owner.name, phone: formatPhone(phone) }) };
        deliverLater("phone-in-use notice", "email", async () => void (await sendSecurityNotice(notice)));
      }
      return false;
    }
    deliverLater("phone confirmation SMS", "sms", () => sendAfterChecks(purpose, { purpose, phone, userId: user.id, ip }));
    return true;
  });
}

export async function startPhoneConfirmation(userId: string, phone: string, ip: string | null) {
  await assertAllowed(userId, "change_phone");
  const user = await getUser(userId);
  if (!user) throw new UserError(ErrorCodes.NOT_FOUND, "Account not found.");
  await claimPhone(user, phone, "phone_confirm", ip);
}

/**
 * Confirms the account's phone with the SMS code. With `asMethod` (the security tab), a phone
 * confirmed while SMS is an allowed two-step method is also that method: the first one turns the
 * second step on and makes the recovery codes (seed 004).
 */
export async function finishPhoneConfirmation(userId: string, phone: string, code: string, opts: { asMethod?: boolean } = {}) {
  // Read before the transaction: whether the phone is also the SMS two-step method.
  let asMethod = false;
  if (opts.asMethod) {
    const policy = await loadPolicy();
    asMethod = policy.enabled && policy.allowedMethods.includes("sms") && policy.deliveryPolicy !== "email_only";
  }
  let user: User | undefined;
  let enrolment: EnrolmentResult | null = null;
  try {
    // The phone, and the method with its recovery codes, in the transaction that consumes the code.
    await consumeCode({ purpose: "phone_confirm", target: phone, code }, async (q, consumed) => {
      if (consumed.userId !== userId) throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
      const [u] = await q.update(users).set({ phone, phoneVerifiedAt: new Date() }).where(eq(users.id, userId)).returning();
      user = u!;
      await audit({ action: "phone.confirmed", userId, actorId: userId }, q);
      if (asMethod && user.canReceiveSms) enrolment = await afterEnrolment(userId, "sms", q);
    });
  } catch (err) {
    if (String((err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code) === "23505") {
      throw new UserError(ErrorCodes.PHONE_IN_USE, "This phone number now belongs to another account.", "phone");
    }
    throw err;
  }
  return { user: user!, enrolment: enrolment as EnrolmentResult | null };
}
