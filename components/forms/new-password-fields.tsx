// "New password" and "Confirm new password", with their errors: recovery, a reset link and the security tab.
import { Field } from "@/components/ui/field";

export function NewPasswordFields({ errors }: { errors: Record<string, string | undefined> }) {
  return (
    <>
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters. Avoid common passwords."
        error={errors.newPassword}
      />
      <Field label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" required error={errors.confirmPassword} />
    </>
  );
}
