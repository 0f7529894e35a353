"use client";
import { useActionState } from "react";
import { PasswordField } from "@/components/forms/password-field";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { signUp } from "./actions";

export function SignupForm() {
  const [state, formAction] = useActionState(signUp, null);
  const v = state?.values ?? {};
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} fields={["name", "email", "password"]} />
      <Field label="Name" name="name" autoComplete="name" required autoFocus maxLength={100} defaultValue={v.name} key={`n${v.name}`} error={e.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={v.email} key={`e${v.email}`} error={e.email} />
      <PasswordField label="Password" name="password" autoComplete="new-password" hint="At least 8 characters. Avoid common passwords." error={e.password} />
      <SubmitButton wide pendingText="Creating account…">
        Create account
      </SubmitButton>
    </form>
  );
}
