import "server-only";
import { defineFlow } from "@/lib/flows";
import { z } from "zod";
// P2: signing in with a code by SMS; the answer is the same whether or not the number has an account.
import { and, eq } from "drizzle-orm";
import { users, type User } from "@/db/schema";
import { accountByConfirmedPhone, findUserByConfirmedPhone } from "@/lib/accounts/queries";
import { audit } from "@/lib/audit";
import { completeFirstFactor, prepareFirstFactor, writeFirstFactor, type FirstFactorStep } from "@/lib/auth/sign-in";
import { consumeCode, type Tx } from "@/lib/codes";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { assertNotBlocked, isBlocked } from "@/lib/blocking";
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

/** Whether the account still has this confirmed phone, read with `q` inside the code's transaction. */
export async function ownsConfirmedPhone(q: Tx, userId: string, phone: string): Promise<boolean> {
  const rows = await q
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, userId), accountByConfirmedPhone(phone)))
    .limit(1);
  return rows.length > 0;
}

/**
 * Checks the sign-in code against the account that has this confirmed phone, looked up first. A
 * refused code (wrong, used, expired, too many tries) is audited as a failed sign-in, under that
 * account when there is one; the answer is the same either way. With `next`, the sign-in (a
 * session, or the second step) is decided before the code is consumed and written in the same
 * transaction, so a failure there leaves the code usable.
 */
async function checkPhoneLogin(phone: string, code: string, ip: string | null, next?: string): Promise<{ user: User; step: FirstFactorStep | null }> {
  const account = await findUserByConfirmedPhone(phone);
  // A blocked account writes nothing: it is refused once the code is checked.
  const now = new Date();
  const step = account && next !== undefined && !isBlocked(account, now) ? await prepareFirstFactor(account, "sms_code", next) : null;
  let owned = false as boolean;
  try {
    await consumeCode({ purpose: "phone_login", target: phone, code }, async (q, consumed) => {
      // The code was sent to this account, which still has the number.
      owned = Boolean(account && consumed.userId === account.id && (await ownsConfirmedPhone(q, account.id, phone)));
      if (owned && step) await writeFirstFactor(q, step);
    });
    if (!account || !owned) {
      throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
    }
  } catch (err) {
    // A code that is not six digits was not a try (nothing was checked or counted).
    if (err instanceof UserError && err.code !== ErrorCodes.INVALID_INPUT) {
      await audit({ action: "signin.failed", userId: account?.id ?? null, ip, detail: { method: "sms_code" } });
    }
    throw err;
  }
  await assertNotBlocked(account, { ip, now });
  return { user: account, step };
}

/** Checks the sign-in code and returns its account, without signing in. */
export async function finishPhoneLogin(phone: string, code: string, ip: string | null = null): Promise<User> {
  return (await checkPhoneLogin(phone, code, ip)).user;
}

/**
 * Signs in with the code: the session, or the second step, is written in the transaction that
 * consumes it; then the cookies and the redirect to `next`.
 */
export async function signInWithPhoneCode(phone: string, code: string, next: string, ip: string | null): Promise<never> {
  const { step } = await checkPhoneLogin(phone, code, ip, next);
  await phoneLoginFlow.clear();
  return completeFirstFactor(step!);
}
