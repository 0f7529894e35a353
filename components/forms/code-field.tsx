import { Field } from "@/components/ui/field";

// The 6-digit one-time code input, with the browser's one-time-code autofill.
// `id` keeps the label/input pair unique when several code forms share a page.
export function CodeField({ error, name = "code", label = "Code", id }: { error?: string; name?: string; label?: string; id?: string }) {
  return (
    <Field
      label={label}
      name={name}
      id={id}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      required
      hint="6 digits, valid for 10 minutes."
      error={error}
    />
  );
}
