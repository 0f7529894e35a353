"use server";
import { z } from "zod";
import { action, safeNext } from "@/lib/action";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { PASSWORD_MAX } from "@/lib/passwords";

const schema = z.object({
  identifier: z.string().trim().min(1, "Enter your email or phone number.").max(254, "This is too long for an email or phone number."),
  password: z.string().min(1, "Enter your password.").max(PASSWORD_MAX * 4, "The email, phone or password is not right."),
  next: z.string().max(512).optional(),
});

export const signInAction = action(schema, async (data) => {
  await signInWithPassword({ identifier: data.identifier, password: data.password, next: safeNext(data.next) });
});
