"use client";
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { confirmPasswordAction } from "./actions";

/** B3: the password again, before changing the email, phone, password or a two-step method. */
export function ConfirmPasswordForm() {
  const [state, formAction] = useActionState(confirmPasswordAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form action={formAction} className="max-w-md space-y-3" noValidate>
      <FormMessage state={state} fields={["password"]} />
      <Field label="Password" name="password" id="field-reauth-password" type="password" autoComplete="current-password" required error={e.password} />
      <SubmitButton pendingText="Checking…">Confirm password</SubmitButton>
    </form>
  );
}
