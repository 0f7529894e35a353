"use client";
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { changePasswordAction } from "./actions";

export function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const [state, formAction] = useActionState(changePasswordAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form action={formAction} className="max-w-md space-y-4" noValidate>
      <FormMessage state={state} />
      {hasPassword ? (
        <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={e.currentPassword} />
      ) : null}
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters. Avoid common passwords."
        error={e.newPassword}
      />
      <Field label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" required error={e.confirmPassword} />
      <SubmitButton pendingText="Saving…">Change password</SubmitButton>
    </form>
  );
}
