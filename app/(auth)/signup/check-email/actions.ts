"use server";
import { z } from "zod";
import { codeField } from "@/lib/shared/form-schemas";
import { createAction } from "@/lib/action";
import { confirmEmailWithCode, resendConfirmationTo } from "@/lib/accounts/confirm-email";
import { signInAfterConfirmation } from "@/lib/auth/sign-in";

const email = z.string().trim().toLowerCase().min(3).max(254).email("Enter a valid email address.");

export const confirmSignupCode = createAction().schema(z.object({ email, code: codeField("Enter the code from the email.") }))
  .run(async (data) => {
    const { user, firstConfirmation } = await confirmEmailWithCode(data.email, data.code);
    await signInAfterConfirmation(user, firstConfirmation);
  });

export const resendSignupCode = createAction().schema(z.object({ email }))
  .run(async (data) => {
  await resendConfirmationTo(data.email);
  return { ok: true, message: "If this address is waiting for confirmation, we sent a new code." };
});
