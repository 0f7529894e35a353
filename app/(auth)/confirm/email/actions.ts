"use server";
import { z } from "zod";
import { action } from "@/lib/action";
import { confirmEmailWithLink } from "@/lib/accounts/confirm-email";
import { signInAfterConfirmation } from "@/lib/auth/sign-in";

export const confirmEmailLink = action(z.object({ token: z.string().min(1).max(200) }), async (data) => {
  const { user, firstConfirmation } = await confirmEmailWithLink(data.token);
  await signInAfterConfirmation(user, firstConfirmation);
});
