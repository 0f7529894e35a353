"use server";
// Confirming or changing the account's phone (A4, P3): used by /confirm and the security tab.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAction, signedIn, type ActionResult } from "@/lib/action";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { parsePhone } from "@/lib/phone/parse";
import { codeInput, phoneInput, type NewRecoveryCodes } from "@/lib/shared/form-schemas";
import { finishPhoneConfirmation, phoneConfirmFlow, startPhoneConfirmation } from "@/lib/phone/confirm";
import { clientIp } from "@/lib/request";
import { assertRecentSignIn } from "@/lib/auth/step-up";
import { cooldownEnd } from "@/lib/codes/send";

export const sendPhoneConfirmCode = createAction()
  .use(signedIn)
  .schema(z.object(phoneInput))
  .run(async (data, c) => {
    const { user } = c;
    // Changing a confirmed phone needs a recent sign-in (B3); adding the first one does not.
    if (user.phoneVerifiedAt) await assertRecentSignIn(c);
    const { e164 } = parsePhone(data.phone, data.phoneCountry);
    await startPhoneConfirmation(user.id, e164, await clientIp());
    await phoneConfirmFlow.set({ phone: e164, userId: user.id });
    revalidatePath("/account/security");
    revalidatePath("/confirm");
    return { ok: true, message: "We sent a code by SMS." };
  });

async function flowFor(userId: string) {
  const f = await phoneConfirmFlow.read();
  if (!f || f.userId !== userId) throw new UserError(ErrorCodes.CODE_EXPIRED, "This confirmation has expired. Enter your phone number again.");
  return f;
}

export const verifyPhoneConfirmCode = createAction()
  .use(signedIn)
  .schema(z.object({ ...codeInput, context: z.enum(["confirm", "security"]).default("confirm") }))
  .run(async (data, { user }) => {
    const f = await flowFor(user.id);
    // On the security tab the phone is also the SMS two-step method (seed 004).
    const { enrolment } = await finishPhoneConfirmation(user.id, f.phone, data.code, { asMethod: data.context === "security" });
    await phoneConfirmFlow.clear();
    revalidatePath("/account/security");
    revalidatePath("/confirm");
    const message = enrolment?.turnedOn
      ? "Your phone number is confirmed. Two-step verification by SMS is now on: a code is asked each time you sign in."
      : "Your phone number is confirmed.";
    const result: ActionResult<NewRecoveryCodes> = { ok: true, message, data: enrolment?.codes ? { recoveryCodes: enrolment.codes } : undefined };
    return result;
  });

export const resendPhoneConfirmCode = createAction()
  .use(signedIn)
  .run(async (_d, { user }) => {
    const f = await flowFor(user.id);
    await startPhoneConfirmation(user.id, f.phone, await clientIp());
    return { ok: true, message: "We sent a new code.", retryAt: (await cooldownEnd("phone_confirm", f.phone)) ?? undefined };
  });

export const cancelPhoneConfirm = createAction()
  .use(signedIn)
  .run(async () => {
    await phoneConfirmFlow.clear();
    revalidatePath("/account/security");
    revalidatePath("/confirm");
    return { ok: true };
  });
