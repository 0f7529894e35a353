import "server-only";
import { defineFlow } from "@/lib/flows";
import { z } from "zod";
// P2: signing in with a code by SMS; the answer is the same whether or not the number has an account.
import { type User } from "@/db/schema";
import { findUserByConfirmedPhone, getUser } from "@/lib/accounts/queries";
import { audit } from "@/lib/audit";
import { consumeCode } from "@/lib/codes";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { assertNotBlocked } from "@/lib/blocking";
import { deliverLater } from "@/lib/delivery/deferred";
import { uniformTime } from "@/lib/uniform-time";
import { chargeSmsClient, type SmsClient } from "@/lib/limits/sms-clients";
import { deliverCode, reserveCode } from "@/lib/codes/send";

/** A sign-in by phone: the number a code may have been sent to, and where to go after. */
export const phoneLoginFlow = defineFlow({ name: "phone_login", ttlSeconds: 15 * 60, schema: z.object({ phone: z.string(), next: z.string() }) });

/** Sends a sign-in code only when an account has this confirmed phone and may receive SMS; says nothing either way. */
export async function startPhoneLogin(phone: string, ip: string | null, client: SmsClient) {
  const reservation = await reserveCode({ purpose: "phone_login", channel: "sms", target: phone });
  await chargeSmsClient(client);
  // The SMS goes out after the answer (its time or failure would reveal the account); the answer
  // takes the same time either way.
  await uniformTime("phone login", async () => {
    const user = await findUserByConfirmedPhone(phone);
    if (!user || !user.canReceiveSms || user.status === "blocked") return false;
    deliverLater("phone sign-in SMS", "sms", () => deliverCode(reservation, { userId: user.id, ip }));
    return true;
  });
}

/**
 * Checks the sign-in code. A refused code (wrong, used, expired, too many tries) is audited as a
 * failed sign-in, under the account that has this confirmed phone when there is one; the answer is
 * the same either way.
 */
export async function finishPhoneLogin(phone: string, code: string, ip: string | null = null): Promise<User> {
  let user: User;
  try {
    const consumed = await consumeCode({ purpose: "phone_login", target: phone, code });
    const owner = consumed.userId ? await getUser(consumed.userId) : null;
    if (!owner || owner.phone !== phone || !owner.phoneVerifiedAt) {
      throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
    }
    user = owner;
  } catch (err) {
    // A code that is not six digits was not a try (nothing was checked or counted).
    if (err instanceof UserError && err.code !== ErrorCodes.INVALID_INPUT) {
      const account = await findUserByConfirmedPhone(phone).catch(() => null);
      await audit({ action: "signin.failed", userId: account?.id ?? null, ip, detail: { method: "sms_code" } });
    }
    throw err;
  }
  await assertNotBlocked(user, { ip });
  return user;
}
