"use client";
// The two steps every "send me a code" flow shares: enter a phone number, then enter the code (with a resend).
import { useActionState } from "react";
import { PhoneField, type CountryOption } from "./phone-field";
import { CodeField } from "./code-field";
import { ProofOfWork } from "./proof-of-work";
import { ResendButton } from "./resend-button";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/action";

type Action = (prev: FormState, formData: FormData) => Promise<FormState>;

/** The fields a step adds beside the code (a new password), given the errors of the last try. */
type ExtraFields = (errors: Record<string, string | undefined>) => React.ReactNode;

export function PhoneSendForm({
  action,
  countries,
  defaultCountry,
  next,
}: {
  action: Action;
  countries: CountryOption[];
  defaultCountry: string;
  next?: string;
}) {
  const [state, formAction] = useActionState(action, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = state?.values ?? {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} fields={["phone", "phoneCountry"]} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <PhoneField
        countries={countries}
        defaultCountry={v.phoneCountry ?? defaultCountry}
        defaultValue={v.phone}
        error={e.phone}
        countryError={e.phoneCountry}
        autoFocus
      />
      <ProofOfWork />
      <SubmitButton pendingText="Sending…">Send code</SubmitButton>
    </form>
  );
}

export function CodeEntryForm({
  verify,
  resend,
  submitLabel,
  extraFields,
  extraFieldNames = [],
  source,
  resendUntil,
}: {
  verify: Action;
  resend: Action;
  submitLabel: string;
  extraFields?: ExtraFields;
  /** The names of the fields `extraFields` shows, whose problems are shown beside them. */
  extraFieldNames?: string[];
  /** Where the code was sent, for its hint. */
  source: "sms" | "email";
  /** The resend cooldown's end when the page was made (milliseconds since 1970). */
  resendUntil?: number | null;
}) {
  const [state, formAction] = useActionState(verify, null);
  const [resendState, resendAction] = useActionState(resend, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <div className="space-y-6">
      <form action={formAction} className="space-y-4" noValidate>
        <FormMessage state={state} fields={["code", ...extraFieldNames]} />
        <CodeField source={source} error={e.code} />
        {extraFields?.(e)}
        <SubmitButton pendingText="Checking…">{submitLabel}</SubmitButton>
      </form>
      <form action={resendAction} className="space-y-2">
        <FormMessage state={resendState} fields={[]} />
        <ProofOfWork />
        <ResendButton until={resendState ? resendState.retryAt : resendUntil} />
      </form>
    </div>
  );
}
