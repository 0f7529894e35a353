"use client";
import { useActionState } from "react";
import { Select } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { saveRegionalSettings } from "./actions";

export function RegionalForm({ countries, defaultCountry }: { countries: Array<{ value: string; label: string }>; defaultCountry: string }) {
  const [state, formAction] = useActionState(saveRegionalSettings, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form action={formAction} className="max-w-md space-y-4" noValidate>
      <FormMessage state={state} />
      <Select
        label="Regional country"
        name="defaultCountry"
        hint="The default country of every phone number field. Unless you choose otherwise on the SMS page, SMS goes only to this country."
        defaultValue={defaultCountry}
        options={countries}
        error={e.defaultCountry}
      />
      <SubmitButton pendingText="Saving…">Save settings</SubmitButton>
    </form>
  );
}
