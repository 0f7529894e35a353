"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import { confirmEmailWithCode, resendConfirmationTo } from "@/lib/accounts/confirm-email";
import { signInAfterConfirmation } from "@/lib/auth/sign-in";

const email = z.string().trim().toLowerCase().min(3).max(254).email("Enter a valid email address.");

export const confirmSignupCode = action(
  z.object({ email, code: z.string().trim().min(1, "Enter the code from the email.").max(20, "Enter the 6-digit code.") }),
  async (data) => {
    const { user, firstConfirmation } = await confirmEmailWithCode(data.email, data.code);
    await signInAfterConfirmation(user, firstConfirmation);
  },
);

export const resendSignupCode = action(z.object({ email }), async (data) => {
  await resendConfirmationTo(data.email);
  return { ok: true, message: "If this address is waiting for confirmation, we sent a new code." };
});
