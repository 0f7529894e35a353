import { Field } from "@/components/ui/field";

// The 6-digit one-time code input, with the browser's one-time-code autofill.
export function CodeField({ error, name = "code", label = "Code" }: { error?: string; name?: string; label?: string }) {
  return (
    <Field
      label={label}
      name={name}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      required
      hint="6 digits, valid for 10 minutes."
      error={error}
    />
  );
}
