"use client";
import { useActionState } from "react";
import { PhoneField, type CountryOption } from "@/components/forms/phone-field";
import { CodeField } from "@/components/forms/code-field";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { completeRegistration, resendRegistrationCode, sendRegistrationCode, verifyRegistrationCode } from "./actions";

export function RegisterPhoneStep({ countries, defaultCountry }: { countries: CountryOption[]; defaultCountry: string }) {
  const [state, formAction] = useActionState(sendRegistrationCode, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = state?.values ?? {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <PhoneField countries={countries} defaultCountry={v.phoneCountry ?? defaultCountry} defaultValue={v.phone} error={e.phone} countryError={e.phoneCountry} />
      <SubmitButton pendingText="Sending…">Send code</SubmitButton>
    </form>
  );
}

export function RegisterCodeStep() {
  const [state, formAction] = useActionState(verifyRegistrationCode, null);
  const [resendState, resendAction] = useActionState(resendRegistrationCode, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <div className="space-y-6">
      <form action={formAction} className="space-y-4" noValidate>
        <FormMessage state={state} />
        <CodeField error={e.code} />
        <SubmitButton pendingText="Checking…">Continue</SubmitButton>
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

export function RegisterDetailsStep({ emailRequired }: { emailRequired: boolean }) {
  const [state, formAction] = useActionState(completeRegistration, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = state?.values ?? {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} />
      <Field label="Name" name="name" autoComplete="name" required maxLength={100} defaultValue={v.name} key={`n${v.name}`} error={e.name} />
      <Field
        label={emailRequired ? "Email" : "Email (optional)"}
        name="email"
        type="email"
        autoComplete="email"
        required={emailRequired}
        defaultValue={v.email}
        key={`e${v.email}`}
        hint={emailRequired ? "We'll send a code to confirm it." : "For receipts and password recovery. We'll send a code to confirm it."}
        error={e.email}
      />
      <Field
        label="Password (optional)"
        name="password"
        type="password"
        autoComplete="new-password"
        hint="Without a password you sign in with a code sent to your phone."
        error={e.password}
      />
      <SubmitButton pendingText="Creating account…">Create account</SubmitButton>
    </form>
  );
}
