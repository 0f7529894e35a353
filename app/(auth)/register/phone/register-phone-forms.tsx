"use client";
import { useActionState } from "react";
import type { CountryOption } from "@/components/forms/phone-field";
import { CodeEntryForm, PhoneSendForm } from "@/components/forms/code-entry-form";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { completeRegistration, resendRegistrationCode, sendRegistrationCode, verifyRegistrationCode } from "./actions";

export function RegisterPhoneStep({ countries, defaultCountry }: { countries: CountryOption[]; defaultCountry: string }) {
  return <PhoneSendForm action={sendRegistrationCode} countries={countries} defaultCountry={defaultCountry} />;
}

export function RegisterCodeStep({ resendUntil }: { resendUntil: number | null }) {
  return <CodeEntryForm verify={verifyRegistrationCode} resend={resendRegistrationCode} submitLabel="Continue" source="sms" resendUntil={resendUntil} />;
}

export function RegisterDetailsStep({ emailRequired }: { emailRequired: boolean }) {
  const [state, formAction] = useActionState(completeRegistration, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = state?.values ?? {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} fields={["name", "email", "password"]} />
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
