"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { newPasswordField, SAME_AS_EMAIL, sameAsEmail } from "@/lib/passwords/schema";
import { createAction } from "@/lib/action";
import { emailField } from "@/lib/shared/form-schemas";
import { signUpWithEmail } from "@/lib/accounts/sign-up";
import { rememberSignUp } from "@/lib/auth/sign-up-browser";
import { clientIp } from "@/lib/request";

// Every field's problem is found here, the password's rules included, so the form shows them together.
const schema = z
  .object({
    name: z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
    email: emailField(),
    // Oversize input is refused here, before any hashing.
    password: newPasswordField("Choose a password."),
  })
  .refine((d) => !sameAsEmail(d.password, d.email), { path: ["password"], message: SAME_AS_EMAIL });

export const signUp = createAction()
  .schema(schema)
  .run(async (data) => {
    const next = await signUpWithEmail({ ...data, ip: await clientIp() });
    const email = data.email.trim().toLowerCase();
    // This browser signed up with this address: confirming it here (code or link) signs it in.
    await rememberSignUp(email);
    redirect(next === "check-email" ? `/signup/check-email?email=${encodeURIComponent(email)}` : "/signup/done");
  });
