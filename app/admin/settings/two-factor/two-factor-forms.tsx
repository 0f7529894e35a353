"use client";
import { useActionState } from "react";
import { Checkbox, Field, Select } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import type { TwoFactorSettings } from "@/lib/settings";
import { saveDefaultsAction, saveGeneralAction } from "./actions";

const METHOD_LABELS = { sms: "SMS", email: "Email", totp: "Authenticator app (TOTP)", webauthn: "Security key (WebAuthn)" } as const;

const card = "space-y-5 rounded-lg border border-slate-200 bg-white p-5";
const cardHeading = "text-base font-semibold";

export function GeneralForm({ settings }: { settings: TwoFactorSettings }) {
  const [state, action] = useActionState(saveGeneralAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = (!state?.ok && state?.values) || {};
  return (
    <form action={action} className="max-w-xl space-y-6" noValidate key={state?.ok ? "saved" : JSON.stringify(v)}>
      <FormMessage state={state} />
      <div role="group" aria-labelledby="tf-policy-h" className={card}>
        <h2 id="tf-policy-h" className={cardHeading}>
          Policy
        </h2>
        <Checkbox
          label="Enable 2FA"
          name="enable2fa"
          defaultChecked={settings.enable2fa}
          hint="Two-step verification for this site. When off, nobody is asked for a second step and the methods below are not offered."
        />
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Require two-step verification for</legend>
          <label className="flex items-start gap-2 text-sm">
            <input type="radio" name="requireFor" value="everyone" defaultChecked={settings.requireFor === "everyone"} className="mt-0.5 h-4 w-4" />
            <span>
              everyone
              <span className="block text-xs text-slate-600">Every account, existing and new, is asked after the password on every sign-in.</span>
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm">
            <input type="radio" name="requireFor" value="individual" defaultChecked={settings.requireFor === "individual"} className="mt-0.5 h-4 w-4" />
            <span>
              accounts switched on individually
              <span className="block text-xs text-slate-600">
                Only accounts whose Web app or Manager app switch is on (set per account, by default for new accounts, or by the user).
              </span>
            </span>
          </label>
          {e.requireFor ? <p className="text-sm text-red-700">{e.requireFor}</p> : null}
        </fieldset>
      </div>
      <div role="group" aria-labelledby="tf-methods-h" className={card}>
        <h2 id="tf-methods-h" className={cardHeading}>
          Methods
        </h2>
        <fieldset className="space-y-2" aria-describedby={e.allowedMethods ? "methods-error" : undefined}>
          <legend className="text-sm font-medium">Allowed methods</legend>
          {(Object.keys(METHOD_LABELS) as Array<keyof typeof METHOD_LABELS>).map((m) => (
            <label key={m} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="allowedMethods" value={m} defaultChecked={settings.allowedMethods.includes(m)} className="h-4 w-4" />
              {METHOD_LABELS[m]}
            </label>
          ))}
          {e.allowedMethods ? (
            <p id="methods-error" className="text-sm text-red-700">
              {e.allowedMethods}
            </p>
          ) : null}
        </fieldset>
        <Select
          label="Code delivery policy"
          name="deliveryPolicy"
          defaultValue={settings.deliveryPolicy}
          error={e.deliveryPolicy}
          options={[
            { value: "sms_then_email", label: "SMS first, email as fallback" },
            { value: "email_only", label: "Email only" },
          ]}
        />
        <Select
          label="Remember trusted device"
          name="trustedDeviceDuration"
          defaultValue={settings.trustedDeviceDuration}
          error={e.trustedDeviceDuration}
          options={[
            { value: "session", label: "For the browser session" },
            { value: "1d", label: "1 day" },
            { value: "7d", label: "1 week" },
            { value: "30d", label: "30 days" },
          ]}
        />
      </div>
      <fieldset className={card}>
        <legend className={`${cardHeading} px-1`}>Contact person</legend>
        <p className="text-xs text-slate-600">Shown to someone who fails the second step 3 times.</p>
        <Field label="Contact name" name="contactName" defaultValue={v.contactName ?? settings.contactName} error={e.contactName} />
        <Field label="Contact email" name="contactEmail" type="email" defaultValue={v.contactEmail ?? settings.contactEmail} error={e.contactEmail} />
        <Field label="Contact phone" name="contactPhone" type="tel" defaultValue={v.contactPhone ?? settings.contactPhone} error={e.contactPhone} />
      </fieldset>
      <SubmitButton pendingText="Saving…">Save settings</SubmitButton>
    </form>
  );
}

export function DefaultsForm({ settings }: { settings: TwoFactorSettings }) {
  const [state, action] = useActionState(saveDefaultsAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form action={action} className="max-w-xl space-y-5" noValidate>
      <FormMessage state={state} />
      <Checkbox label="2FA on by default for new users in the Web app" name="defaultWeb" defaultChecked={settings.defaultWeb} />
      <Checkbox label="2FA on by default for new users in the Manager app" name="defaultManager" defaultChecked={settings.defaultManager} />
      <Select
        label="Default method"
        name="defaultMethod"
        defaultValue={settings.defaultMethod}
        error={e.defaultMethod}
        options={(Object.keys(METHOD_LABELS) as Array<keyof typeof METHOD_LABELS>).map((m) => ({ value: m, label: METHOD_LABELS[m] }))}
      />
      <SubmitButton pendingText="Saving…">Save default settings</SubmitButton>
    </form>
  );
}
