"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { codeField } from "@/lib/shared/form-schemas";
import { createAction, signedIn } from "@/lib/action";
import { confirmEmailWithCode, resendConfirmationForUser } from "@/lib/accounts/confirm-email";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { cooldownEnd } from "@/lib/codes/send";

export const confirmMyEmail = createAction()
  .use(signedIn)
  .schema(z.object({ code: codeField("Enter the code from the email.") }))
  .run(async (data, { user }) => {
    if (!user.email) throw new UserError(ErrorCodes.NOT_ALLOWED, "Your account has no email address.");
    await confirmEmailWithCode(user.email, data.code);
    redirect("/confirm?done=email");
  });

export const resendMyConfirmation = createAction()
  .use(signedIn)
  .run(async (_data, { user }) => {
    if (!(await resendConfirmationForUser(user.id)))
      return { ok: false, message: user.email ? "Your email address is already confirmed." : "Your account has no email address." };
    return { ok: true, message: `We sent a new code to ${user.email}.`, retryAt: (await cooldownEnd("email_confirm", user.email!)) ?? undefined };
  });
