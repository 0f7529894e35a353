"use client";
import { useActionState } from "react";
import { NewPasswordFields } from "@/components/forms/new-password-fields";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { changePasswordAction } from "./actions";

export function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const [state, formAction] = useActionState(changePasswordAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form action={formAction} className="max-w-md space-y-4" noValidate>
      <FormMessage state={state} fields={hasPassword ? ["currentPassword", "newPassword", "confirmPassword"] : ["newPassword", "confirmPassword"]} />
      {hasPassword ? (
        <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={e.currentPassword} />
      ) : null}
      <NewPasswordFields errors={e} />
      <SubmitButton pendingText="Saving…">Change password</SubmitButton>
    </form>
  );
}
