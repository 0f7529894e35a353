"use server";
// Confirming or changing the account's phone (A4, P3): used by /confirm and the security tab.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { clearFlow, readFlow, setFlow } from "@/lib/flows";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { parsePhone } from "@/lib/phone/parse";
import { codeInput, phoneInput } from "@/lib/shared/form-schemas";
import { finishPhoneConfirmation, startPhoneConfirmation } from "@/lib/phone/confirm";
import { clientIp } from "@/lib/request";
import { assertRecentSignIn } from "@/lib/auth/step-up";

const FLOW = "phone_confirm";

export const sendPhoneConfirmCode = userAction(z.object(phoneInput), async (data, c) => {
  const { user } = c;
  // Changing a confirmed phone needs a recent sign-in (B3); adding the first one does not.
  if (user.phoneVerifiedAt) await assertRecentSignIn(c);
  const { e164 } = parsePhone(data.phone, data.phoneCountry);
  await startPhoneConfirmation(user.id, e164, await clientIp());
  await setFlow(FLOW, { phone: e164, userId: user.id }, 15 * 60);
  revalidatePath("/account/security");
    revalidatePath("/confirm");
  return { ok: true, message: "We sent a code by SMS." };
});

async function flowFor(userId: string) {
  const f = await readFlow<{ phone: string; userId: string }>(FLOW);
  if (!f || f.userId !== userId) throw new UserError(ErrorCodes.CODE_EXPIRED, "This confirmation has expired. Enter your phone number again.");
  return f;
}

export const verifyPhoneConfirmCode = userAction(
  z.object({ ...codeInput, context: z.enum(["confirm", "security"]).default("confirm") }),
  async (data, { user }) => {
    const f = await flowFor(user.id);
    // On the security tab the phone is also the SMS two-step method (seed 004).
    const { enrolment } = await finishPhoneConfirmation(user.id, f.phone, data.code, { asMethod: data.context === "security" });
    await clearFlow(FLOW);
    revalidatePath("/account/security");
    revalidatePath("/confirm");
    const message = enrolment?.turnedOn
      ? "Your phone number is confirmed. Two-step verification by SMS is now on: a code is asked each time you sign in."
      : "Your phone number is confirmed.";
    return { ok: true, message, values: enrolment?.codes ? { recoveryCodes: enrolment.codes.join(" ") } : undefined };
  },
);

export const resendPhoneConfirmCode = userAction(z.object({}), async (_d, { user }) => {
  const f = await flowFor(user.id);
  await startPhoneConfirmation(user.id, f.phone, await clientIp());
  return { ok: true, message: "We sent a new code." };
});

export const cancelPhoneConfirm = userAction(z.object({}), async () => {
  await clearFlow(FLOW);
  revalidatePath("/account/security");
    revalidatePath("/confirm");
  return { ok: true };
});
