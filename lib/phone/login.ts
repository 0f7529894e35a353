import "server-only";
import { defineFlow } from "@/lib/flows";
import { z } from "zod";
// P2: signing in with a code by SMS; the answer is the same whether or not the number has an account.
import { type User } from "@/db/schema";
import { findUserByConfirmedPhone, getUser } from "@/lib/accounts/queries";
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

export async function finishPhoneLogin(phone: string, code: string): Promise<User> {
  const consumed = await consumeCode({ purpose: "phone_login", target: phone, code });
  const user = consumed.userId ? await getUser(consumed.userId) : null;
  if (!user || user.phone !== phone || !user.phoneVerifiedAt) {
    throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
  }
  await assertNotBlocked(user);
  return user;
}
