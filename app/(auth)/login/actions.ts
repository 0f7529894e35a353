"use server";
import { z } from "zod";
import { passwordField } from "@/lib/shared/form-schemas";
import { createAction, safeNext } from "@/lib/action";
import { signInWithPassword } from "@/lib/auth/sign-in";

const schema = z.object({
  identifier: z.string().trim().min(1, "Enter your email or phone number.").max(254, "This is too long for an email or phone number."),
  password: passwordField("Enter your password.", "The email, phone or password is not right."),
  next: z.string().max(512).optional(),
});

export const signInAction = createAction()
  .schema(schema)
  .run(async (data) => {
    await signInWithPassword({ identifier: data.identifier, password: data.password, next: safeNext(data.next) });
  });
