"use client";
import { useActionState } from "react";
import { Checkbox, Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { PhoneField, type CountryOption } from "@/components/forms/phone-field";
import { createAccountAction } from "./actions";

/** The fields this form shows next to their inputs: their problems are not repeated in the banner. */
const FIELDS = ["name", "email", "password", "phone", "phoneCountry"] as const;

export function CreateAccountForm({
  countries,
  defaultCountry,
  phoneRequired,
}: {
  countries: CountryOption[];
  defaultCountry: string;
  phoneRequired: boolean;
}) {
  const [state, formAction] = useActionState(createAccountAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = (!state?.ok && state?.values) || {};
  return (
    <form action={formAction} className="grid gap-4 sm:grid-cols-2" noValidate key={state?.ok ? "done" : JSON.stringify(v)}>
      <div className="sm:col-span-2">
        <FormMessage state={state} fields={FIELDS} />
      </div>
      <Field label="Name" name="name" id="new-name" required defaultValue={v.name} error={e.name} />
      <Field label="Email" name="email" id="new-email" type="email" required defaultValue={v.email} error={e.email} />
      <Field label="Password" name="password" id="new-password" type="password" autoComplete="new-password" required error={e.password} />
      <div className="self-end">
        <Checkbox label="Email already confirmed" name="emailConfirmed" defaultChecked={v.emailConfirmed === "on"} />
      </div>
      <div className="sm:col-span-2">
        <PhoneField
          label={phoneRequired ? "Phone number" : "Phone number (optional)"}
          countries={countries}
          defaultCountry={v.phoneCountry ?? defaultCountry}
          defaultValue={v.phone}
          error={e.phone}
          countryError={e.phoneCountry}
          required={phoneRequired}
        />
      </div>
      <div className="sm:col-span-2">
        <SubmitButton pendingText="Creating…">Create account</SubmitButton>
      </div>
    </form>
  );
}
