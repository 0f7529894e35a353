"use client";
// "Send a new link" under an expired or used confirmation link: the address it goes to, one button.
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { resendSignupCode } from "../../signup/check-email/actions";

export function NewLinkForm() {
  const [state, action] = useActionState(resendSignupCode, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={state?.values?.email} error={e.email} />
      <SubmitButton pendingText="Sending…">Send a new link</SubmitButton>
    </form>
  );
}
