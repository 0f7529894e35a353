"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { confirmEmailWithCode, resendConfirmationForUser } from "@/lib/accounts/confirm-email";
import { ErrorCodes, UserError } from "@/lib/shared/errors";

export const confirmMyEmail = userAction(
  z.object({ code: z.string().trim().min(1, "Enter the code from the email.").max(20, "Enter the 6-digit code.") }),
  async (data, { user }) => {
    if (!user.email) throw new UserError(ErrorCodes.NOT_ALLOWED, "Your account has no email address.");
    await confirmEmailWithCode(user.email, data.code);
    redirect("/confirm?done=email");
  },
);

export const resendMyConfirmation = userAction(z.object({}), async (_data, { user }) => {
  await resendConfirmationForUser(user.id);
  return { ok: true, message: `We sent a new code to ${user.email}.` };
});
