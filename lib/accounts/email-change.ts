import "server-only";
import { defineFlow } from "@/lib/flows";
import { z } from "zod";
// A10: setting or changing the account's email on the security tab, confirmed by a code sent to the new address.
import { eq } from "drizzle-orm";
import { users, type User } from "@/db/schema";
import { findUserByEmail, normalizeEmail } from "@/lib/accounts/queries";
import { audit } from "@/lib/audit";
import { consumeCode } from "@/lib/codes";
import { sendEmail } from "@/lib/delivery/email";
import { sendSecurityNotice } from "@/lib/delivery/notices";
import { emailChangeCodeTemplate, emailChangedTemplate, emailInUseTemplate } from "@/lib/delivery/email/templates";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hit, retryAfterText } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";
import { deliverCode, reserveCode } from "@/lib/codes/send";

/** The address an account is moving to, between the code sent and the code typed. */
export const emailChangeFlow = defineFlow({ name: "email_change", ttlSeconds: 15 * 60, schema: z.object({ email: z.string(), userId: z.string() }) });

/**
 * Sends a code to the new address. An address that belongs to another account gets a notice
 * instead of a code, and the answer is the same, so the form does not tell who has an account.
 * Returns the normalised address to be confirmed.
 */
export async function startEmailChange(user: User, newEmail: string): Promise<string> {
  const email = normalizeEmail(newEmail);
  if (email === user.email) throw new UserError(ErrorCodes.INVALID_INPUT, "This is already your email address.", "email");
  const limit = await hit(LIMITS.emailChangesPerAccount(user.id));
  if (!limit.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many new addresses. Try again in ${retryAfterText(limit.resetAt)}.`, "email");
  // Reserved before the lookup: a taken address meets the same cooldown as a free one.
  const reservation = await reserveCode({ purpose: "email_change", channel: "email", target: email, field: "email" });
  const owner = await findUserByEmail(email);
  if (owner) {
    await sendEmail({ to: email, ...(await emailInUseTemplate()) });
    return email;
  }
  await deliverCode(reservation, { userId: user.id, template: (code) => emailChangeCodeTemplate({ code }) });
  return email;
}

/**
 * The code proves the new address: it becomes the account's confirmed email (and stays the email-codes
 * method if that was set up). The old address is told.
 */
export async function finishEmailChange(user: User, newEmail: string, code: string): Promise<void> {
  const now = new Date();
  try {
    // The new address is written in the transaction that consumes its code.
    await consumeCode({ purpose: "email_change", target: newEmail, code }, async (q, consumed) => {
      if (consumed.userId !== user.id) throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
      await q
        .update(users)
        .set({
          email: newEmail,
          emailVerifiedAt: now,
          twoFactorEmailConfirmedAt: user.twoFactorEmailConfirmedAt ? now : null,
        })
        .where(eq(users.id, user.id));
      await audit({ action: "email.changed", userId: user.id, actorId: user.id, detail: { from: user.email, to: newEmail } }, q);
    });
  } catch (err) {
    const pg = err as { code?: string; cause?: { code?: string } };
    // Another account took the address in the meantime (unique index): the code stays unused.
    if ((pg.code ?? pg.cause?.code) === "23505") throw new UserError(ErrorCodes.INVALID_INPUT, "This address cannot be used. Choose another one.", "email");
    throw err;
  }
  if (user.email) {
    await sendSecurityNotice({ userId: user.id, to: user.email, kind: "email_changed", message: await emailChangedTemplate({ name: user.name, newEmail }) });
  }
}
