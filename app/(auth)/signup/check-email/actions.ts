"use server";
import { z } from "zod";
import { codeField } from "@/lib/shared/form-schemas";
import { createAction } from "@/lib/action";
import { confirmEmailWithCode, resendConfirmationTo } from "@/lib/accounts/confirm-email";
import { signInAfterConfirmation } from "@/lib/auth/sign-in";
import { normalizeEmail } from "@/lib/accounts/queries";
import { cooldownEnd } from "@/lib/codes/send";

const email = z.string().trim().toLowerCase().min(3).max(254).email("Enter a valid email address.");

export const confirmSignupCode = createAction()
  .schema(z.object({ email, code: codeField("Enter the code from the email.") }))
  .run(async (data) => {
    const { user, firstConfirmation } = await confirmEmailWithCode(data.email, data.code);
    await signInAfterConfirmation(user, firstConfirmation);
  });

export const resendSignupCode = createAction()
  .schema(z.object({ email }))
  .run(async (data) => {
    await resendConfirmationTo(data.email);
    // The resend's own cooldown on the address, set before any lookup: the same for every address.
    const retryAt = (await cooldownEnd("email_confirm", normalizeEmail(data.email), "resend")) ?? undefined;
    return { ok: true, message: "If this address is waiting for confirmation, we sent a new code.", retryAt };
  });
