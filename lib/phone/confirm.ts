import "server-only";
import { defineFlow } from "@/lib/flows";
import { z } from "zod";
// A4, P3: confirming or changing the account's phone; a number another account owns answers like a free one.
import { and, eq, ne, sql } from "drizzle-orm";
import { db } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { getUser } from "@/lib/accounts/queries";
import { audit } from "@/lib/audit";
import { consumeCode } from "@/lib/codes";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hit, retryAfterText } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";
import { loadPolicy } from "@/lib/factors/policy";
import { afterEnrolment, type EnrolmentResult } from "@/lib/factors/enrol";
import { assertAllowed } from "@/lib/permissions";
import { deliverLater } from "@/lib/delivery/deferred";
import { uniformTime } from "@/lib/uniform-time";
import { sendSecurityNotice } from "@/lib/delivery/notices";
import { phoneInUseTemplate } from "@/lib/delivery/email/templates";
import { formatPhone } from "@/lib/phone/parse";
import { chargeNewNumber } from "@/lib/limits/sms-clients";
import { deliverCode, reserveCode } from "@/lib/codes/send";

/** The phone an account is confirming, between "Send code" and the code. */
export const phoneConfirmFlow = defineFlow({ name: "phone_confirm", ttlSeconds: 15 * 60, schema: z.object({ phone: z.string(), userId: z.string() }) });

/**
 * A signed-in account asks for a code to a phone it wants to add or change (/account/security,
 * /confirm, and the SMS set-up at /login/verify). The answer is the same whether or not the number
 * belongs to another account: a free number gets the code after the answer; the owner of a taken one
 * gets an email instead of an SMS (as the email change does), and the answers take the same time.
 * Limited per account (10 numbers an hour) besides the number's own limits.
 */
/** The cooldown and budget a claimed number is counted under at sign-in (`cooldownEnd(…, CLAIM_COUNTER)`). */
export const CLAIM_COUNTER = "claim";

export async function claimPhone(user: User, phone: string, purpose: "phone_confirm" | "two_factor", ip: string | null) {
  if (!user.canReceiveSms) throw new UserError(ErrorCodes.NOT_ALLOWED, "Your administrator has turned off text messages for this account.", "phone");
  const claims = await hit(LIMITS.phoneClaimsPerAccount(user.id));
  if (!claims.success)
    throw new UserError(ErrorCodes.RATE_LIMITED, `Too many phone numbers were tried. Try again in ${retryAfterText(claims.resetAt)}.`, "phone");
  // At sign-in the number's own second-step codes use the same purpose: a claim keeps its own
  // cooldown and budget, so a code its owner was just sent does not show in this answer.
  const reservation = await reserveCode({ purpose, channel: "sms", target: phone, counter: purpose === "two_factor" ? CLAIM_COUNTER : undefined });
  await chargeNewNumber();
  await uniformTime("phone claim", async () => {
    const [owner] = await db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(and(eq(users.phone, phone), sql`${users.phoneVerifiedAt} is not null`, ne(users.id, user.id)))
      .limit(1);
    if (owner) {
      if (owner.email) {
        const to = owner.email;
        // The message is written after the answer, with the rest of the delivery.
        deliverLater("phone-in-use notice", "email", async () => {
          const message = await phoneInUseTemplate({ name: owner.name, phone: formatPhone(phone) });
          await sendSecurityNotice({ userId: owner.id, to, kind: "phone_in_use", message });
        });
      }
      return false;
    }
    deliverLater("phone confirmation SMS", "sms", () => deliverCode(reservation, { userId: user.id, ip }));
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
