"use client";
import { CodeEntryForms, PhoneSendForm } from "@/components/forms/code-step";
import type { CountryOption } from "@/components/forms/phone-field";
import { resendLoginCode, sendLoginCode, verifyLoginCode } from "./actions";

export function PhoneStep({ countries, defaultCountry, next }: { countries: CountryOption[]; defaultCountry: string; next?: string }) {
  return <PhoneSendForm action={sendLoginCode} countries={countries} defaultCountry={defaultCountry} next={next} />;
}

export function CodeStep() {
  return <CodeEntryForms verify={verifyLoginCode} resend={resendLoginCode} submitLabel="Sign in" />;
}
