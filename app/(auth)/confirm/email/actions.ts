"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { action } from "@/lib/action";
import { confirmEmailWithLink } from "@/lib/accounts";
import { currentSession } from "@/lib/auth/current";
import { afterFirstFactor } from "@/lib/auth/sign-in";

export const confirmEmailLink = action(z.object({ token: z.string().min(1).max(200) }), async (data) => {
  const { user, firstConfirmation } = await confirmEmailWithLink(data.token);
  const current = await currentSession();
  if (current?.user.id === user.id) redirect("/dashboard");
  if (firstConfirmation && user.status !== "blocked") await afterFirstFactor(user, "email_confirmation", "/dashboard");
  redirect("/login?confirmed=1");
});
