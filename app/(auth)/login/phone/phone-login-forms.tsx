"use client";
import { useActionState } from "react";
import { PhoneField, type CountryOption } from "@/components/forms/phone-field";
import { CodeField } from "@/components/forms/code-field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { resendLoginCode, sendLoginCode, verifyLoginCode } from "./actions";

export function PhoneStep({ countries, defaultCountry, next }: { countries: CountryOption[]; defaultCountry: string; next?: string }) {
  const [state, formAction] = useActionState(sendLoginCode, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = state?.values ?? {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <PhoneField countries={countries} defaultCountry={v.phoneCountry ?? defaultCountry} defaultValue={v.phone} error={e.phone} countryError={e.phoneCountry} />
      <SubmitButton pendingText="Sending…">Send code</SubmitButton>
    </form>
  );
}

export function CodeStep() {
  const [state, formAction] = useActionState(verifyLoginCode, null);
  const [resendState, resendAction] = useActionState(resendLoginCode, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <div className="space-y-6">
      <form action={formAction} className="space-y-4" noValidate>
        <FormMessage state={state} />
        <CodeField error={e.code} />
        <SubmitButton pendingText="Checking…">Sign in</SubmitButton>
      </form>
      <form action={resendAction} className="space-y-2">
        <FormMessage state={resendState} />
        <SubmitButton variant="secondary" pendingText="Sending…">
          Send a new code
        </SubmitButton>
      </form>
    </div>
  );
}
