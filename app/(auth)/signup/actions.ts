"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { passwordField } from "@/lib/shared/form-schemas";
import { createAction } from "@/lib/action";
import { signUpWithEmail } from "@/lib/accounts/sign-up";
import { rememberSignUp } from "@/lib/auth/sign-up-browser";
import { clientIp } from "@/lib/request";

const schema = z.object({
  name: z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
  email: z.string().trim().min(1, "Enter your email address.").max(254, "This email address is too long.").email("Enter a valid email address, like name@example.com."),
  // Oversize input is refused here, before any hashing.
  password: passwordField("Choose a password."),
});

export const signUp = createAction().schema(schema)
  .run(async (data) => {
  const next = await signUpWithEmail({ ...data, ip: await clientIp() });
  const email = data.email.trim().toLowerCase();
  // This browser signed up with this address: confirming it here (code or link) signs it in.
  await rememberSignUp(email);
  redirect(next === "check-email" ? `/signup/check-email?email=${encodeURIComponent(email)}` : "/signup/done");
});
