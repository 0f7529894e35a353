"use client";
import { CodeEntryForm, PhoneSendForm } from "@/components/forms/code-entry-form";
import type { CountryOption } from "@/components/forms/phone-field";
import { resendLoginCode, sendLoginCode, verifyLoginCode } from "./actions";

export function PhoneStep({ countries, defaultCountry, next }: { countries: CountryOption[]; defaultCountry: string; next?: string }) {
  return <PhoneSendForm action={sendLoginCode} countries={countries} defaultCountry={defaultCountry} next={next} />;
}

export function CodeStep({ resendUntil }: { resendUntil: number | null }) {
  return <CodeEntryForm verify={verifyLoginCode} resend={resendLoginCode} submitLabel="Sign in" source="sms" resendUntil={resendUntil} />;
}
