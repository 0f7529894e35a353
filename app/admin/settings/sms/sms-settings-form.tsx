"use client";
import { useActionState } from "react";
import { Checkbox, Field, Select } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { PhoneField, type CountryOption } from "@/components/forms/phone-field";
import type { SmsConfigView } from "@/lib/delivery/sms";
import type { SmsProviderName } from "@/lib/settings";
import { saveSmsSettings, sendTestSmsAction } from "./actions";

const clearName: Record<string, string> = {
  twilioAuthToken: "clearTwilioAuthToken",
  clickatellApiKey: "clearClickatellApiKey",
  twofactorApiKey: "clearTwofactorApiKey",
};

/**
 * A provider's settings show only while it is chosen as the active or the fallback provider: plain
 * CSS (:has on the form), so it works before JavaScript loads. Every provider needs its line here.
 */
const SHOWN_WHEN_CHOSEN: Record<Exclude<SmsProviderName, "outbox">, string> = {
  twilio: "hidden group-has-[option[value=twilio]:checked]/sms:block",
  clickatell: "hidden group-has-[option[value=clickatell]:checked]/sms:block",
  twofactor: "hidden group-has-[option[value=twofactor]:checked]/sms:block",
};

export function SmsSettingsForm({
  view,
  allowedCountries,
  perNumberDaily,
  globalDaily,
  newNumbersHourly,
  regionalCountry,
  countries,
}: {
  view: SmsConfigView;
  allowedCountries: string[];
  perNumberDaily: number;
  globalDaily: number;
  newNumbersHourly: number;
  regionalCountry: string;
  countries: CountryOption[];
}) {
  const [state, formAction] = useActionState(saveSmsSettings, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = (!state?.ok && state?.values) || {};
  const providerOptions = Object.values(view.providers).map((p) => ({
    value: p.name,
    label: `${p.label}${p.name !== "outbox" && !p.configured ? " (not configured)" : ""}`,
  }));
  return (
    <form action={formAction} className="group/sms space-y-8" noValidate key={state?.ok ? "saved" : JSON.stringify(v)}>
      <FormMessage state={state} />
      <div className="grid max-w-2xl gap-4 sm:grid-cols-2">
        {view.providerSetByEnvironment ? (
          <div className="space-y-1">
            <p className="text-sm font-medium">Active provider</p>
            <p className="text-sm">
              {view.providers[view.provider].label} <span className="rounded bg-slate-200 px-1.5 text-xs">set by environment</span>
            </p>
          </div>
        ) : (
          <Select label="Active provider" name="provider" defaultValue={v.provider ?? view.provider} options={providerOptions} error={e.provider} />
        )}
        <Select
          label="Fallback provider"
          name="fallbackProvider"
          hint="Used once when the active provider fails or times out."
          defaultValue={v.fallbackProvider ?? view.fallbackProvider}
          options={[{ value: "none", label: "None" }, ...providerOptions]}
          error={e.fallbackProvider}
        />
      </div>
      <p className="max-w-2xl text-sm text-slate-600">Only the settings of the active and the fallback provider are shown.</p>
      {Object.values(view.providers)
        .filter((p) => p.name !== "outbox")
        .map((p) => (
          <fieldset
            key={p.name}
            data-provider={p.name}
            className={`max-w-2xl space-y-4 rounded-lg border border-slate-200 bg-white p-5 ${view.providerSetByEnvironment && view.provider === p.name ? "" : SHOWN_WHEN_CHOSEN[p.name as keyof typeof SHOWN_WHEN_CHOSEN]}`}
          >
            <legend className="px-1 text-base font-semibold">
              {p.label}{" "}
              <span className={`ml-2 rounded px-1.5 py-0.5 text-xs ${p.configured ? "bg-green-100 text-green-900" : "bg-slate-100 text-slate-700"}`}>
                {p.configured ? "configured" : `missing: ${p.missing.join(", ")}`}
              </span>
            </legend>
            {p.fields.map((f) =>
              f.setByEnvironment ? (
                <div key={f.key} className="space-y-1">
                  <p className="text-sm font-medium">{f.label}</p>
                  <p className="text-sm">
                    {f.value || "(set)"} <span className="rounded bg-slate-200 px-1.5 text-xs">set by environment ({f.env})</span>
                  </p>
                </div>
              ) : f.secret ? (
                <div key={f.key} className="space-y-2">
                  <Field
                    label={f.label}
                    name={f.key}
                    type="password"
                    autoComplete="off"
                    hint={
                      f.unreadable
                        ? "The stored value can no longer be read (the server secret changed). Enter it again."
                        : f.set
                          ? `Stored: ${f.value}. Leave empty to keep it.`
                          : "Not set."
                    }
                    error={e[f.key]}
                  />
                  {f.set ? <Checkbox label={`Remove the stored ${f.label}`} name={clearName[f.key]!} /> : null}
                </div>
              ) : (
                <Field key={f.key} label={f.label} name={f.key} defaultValue={v[f.key] ?? f.value} error={e[f.key]} />
              ),
            )}
            {p.baseUrlSetByEnvironment ? <p className="text-xs text-slate-600">API address overridden by the environment: {p.baseUrl}</p> : null}
          </fieldset>
        ))}
      <fieldset id="regional" className="max-w-2xl scroll-mt-4 space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <legend className="px-1 text-base font-semibold">Regional</legend>
        <Select
          label="Regional country"
          name="defaultCountry"
          hint="The default country of every phone number field. Unless the allowlist below says otherwise, SMS goes only to this country."
          defaultValue={v.defaultCountry ?? regionalCountry}
          options={countries}
          error={e.defaultCountry}
        />
      </fieldset>
      <fieldset className="max-w-2xl space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <legend className="px-1 text-base font-semibold">Limits</legend>
        <Field
          label="SMS country allowlist"
          name="allowedCountries"
          hint={`Two-letter country codes, comma separated. Empty: only the regional country (${regionalCountry}).`}
          defaultValue={v.allowedCountries ?? allowedCountries.join(", ")}
          error={e.allowedCountries}
        />
        <Field
          label="Codes per number per day"
          name="perNumberDaily"
          type="number"
          min={1}
          max={1000}
          defaultValue={v.perNumberDaily ?? perNumberDaily}
          error={e.perNumberDaily}
        />
        <Field
          label="SMS per day for the whole site"
          name="globalDaily"
          type="number"
          min={1}
          max={1000000}
          defaultValue={v.globalDaily ?? globalDaily}
          error={e.globalDaily}
        />
        <Field
          label="Codes to new numbers per hour (whole site)"
          name="newNumbersHourly"
          type="number"
          min={2}
          max={100000}
          hint="Registration, phone confirmation and SMS set-up. Each time the limit is reached it halves for a day, against SMS pumping."
          defaultValue={v.newNumbersHourly ?? newNumbersHourly}
          error={e.newNumbersHourly}
        />
      </fieldset>
      <SubmitButton pendingText="Saving…">Save settings</SubmitButton>
    </form>
  );
}

export function TestSmsForm({ countries, defaultCountry }: { countries: CountryOption[]; defaultCountry: string }) {
  const [state, formAction] = useActionState(sendTestSmsAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = state?.values ?? {};
  return (
    <form action={formAction} className="max-w-2xl space-y-4" noValidate>
      <FormMessage state={state} />
      <PhoneField
        countries={countries}
        defaultCountry={v.phoneCountry ?? defaultCountry}
        defaultValue={v.phone}
        error={e.phone}
        countryError={e.phoneCountry}
      />
      <SubmitButton pendingText="Sending…">Send test SMS</SubmitButton>
    </form>
  );
}
