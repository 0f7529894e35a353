"use server";
import { z } from "zod";
import { createAction } from "@/lib/action";
import { confirmEmailWithLink } from "@/lib/accounts/confirm-email";
import { signInAfterConfirmation } from "@/lib/auth/sign-in";

export const confirmEmailLink = createAction()
  .schema(z.object({ token: z.string().min(1).max(200) }))
  .run(async (data) => {
    const { user, firstConfirmation } = await confirmEmailWithLink(data.token);
    await signInAfterConfirmation(user, firstConfirmation);
  });
