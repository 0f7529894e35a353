import { Field } from "@/components/ui/field";

/** The code field's look: about 12 characters wide, monospace (also for a code typed in a field of its own). */
export const CODE_INPUT_CLASS = "w-[calc(12ch+1.5rem)] max-w-full font-mono tracking-widest";

/** How the code reached the person: sent by SMS or email (10 minutes), or shown by an authenticator app. */
export type CodeSource = "sms" | "email" | "app";

const HINTS: Record<CodeSource, string> = {
  sms: "The 6-digit code from the text message. It works for 10 minutes.",
  email: "The 6-digit code from the email. It works for 10 minutes.",
  app: "The 6-digit code your app shows now. It changes every 30 seconds.",
};

/**
 * The 6-digit one-time code input, with the browser's one-time-code autofill: about 12 characters
 * wide, monospace, focused when its step opens. `id` keeps the label/input pair unique when several
 * code forms share a page.
 */
export function CodeField({
  error,
  name = "code",
  label = "Code",
  id,
  source,
  autoFocus = true,
}: {
  error?: string;
  name?: string;
  label?: string;
  id?: string;
  source: CodeSource;
  autoFocus?: boolean;
}) {
  return (
    <Field
      label={label}
      name={name}
      id={id}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      required
      autoFocus={autoFocus}
      hint={HINTS[source]}
      error={error}
      inputClassName={CODE_INPUT_CLASS}
    />
  );
}
