"use client";
import { useActionState } from "react";
import { Checkbox, Field, Select } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import type { AccountSettings } from "@/lib/settings";
import { saveAccountSettings } from "./actions";

const section = "space-y-5 rounded-lg border border-slate-200 bg-white p-5";
const legend = "px-1 text-base font-semibold";

export function AccountSettingsForm({ settings }: { settings: AccountSettings }) {
  const [state, formAction] = useActionState(saveAccountSettings, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = (!state?.ok && state?.values) || {};
  const k = state && !state.ok ? JSON.stringify(v) : "saved";
  // After a refused save, checkboxes show what was submitted (an unticked box is absent from the form data).
  const checked = (name: keyof AccountSettings) => (state && !state.ok ? v[name] === "on" : Boolean(settings[name]));
  return (
    <form action={formAction} className="max-w-xl space-y-6" noValidate key={k}>
      <FormMessage state={state} />
      <fieldset className={section}>
        <legend className={legend}>Site</legend>
        <Field
          label="Site name"
          name="siteName"
          maxLength={60}
          hint="Shown in every email the site sends: its subject, heading and footer."
          defaultValue={v.siteName ?? settings.siteName}
          error={e.siteName}
        />
      </fieldset>
      <fieldset className={section}>
        <legend className={legend}>Sessions</legend>
        <Field
          label="Online status timeframe (minutes)"
          name="onlineTimeframeMinutes"
          type="number"
          min={1}
          max={43200}
          hint="Sign out after this many minutes without activity. Accounts active within this time show as online in the account list."
          defaultValue={v.onlineTimeframeMinutes ?? settings.onlineTimeframeMinutes}
          error={e.onlineTimeframeMinutes}
        />
        <Field
          label="Session lifetime (days)"
          name="absoluteSessionDays"
          type="number"
          min={1}
          max={365}
          hint="Every session ends this many days after sign-in, active or not."
          defaultValue={v.absoluteSessionDays ?? settings.absoluteSessionDays}
          error={e.absoluteSessionDays}
        />
      </fieldset>
      <fieldset className={section}>
        <legend className={legend}>New accounts</legend>
        <Checkbox
          label="Automatic account activation after creation"
          name="automaticActivation"
          defaultChecked={checked("automaticActivation")}
          hint="When off, new accounts are pending until an administrator activates them."
        />
        <Checkbox
          label="Enable account activation letter"
          name="activationLetter"
          defaultChecked={checked("activationLetter")}
          hint="Email the user when their account is activated."
        />
        <Select
          label="Account is confirmed when"
          name="confirmationMode"
          defaultValue={v.confirmationMode ?? settings.confirmationMode}
          error={e.confirmationMode}
          options={[
            { value: "none", label: "No confirmation" },
            { value: "email", label: "Email is confirmed" },
            { value: "phone", label: "Phone is confirmed" },
            { value: "both", label: "Email and phone are confirmed" },
          ]}
        />
      </fieldset>
      <fieldset className={section}>
        <legend className={legend}>Profiles</legend>
        <Checkbox
          label="Automatic profile creation from account name"
          name="automaticProfileCreation"
          defaultChecked={checked("automaticProfileCreation")}
          hint="When off, users create their first profile right after sign-up."
        />
        <Select
          label="Default profile type"
          name="defaultProfileType"
          defaultValue={v.defaultProfileType ?? settings.defaultProfileType}
          error={e.defaultProfileType}
          options={settings.profileTypes.map((t) => ({ value: t, label: t }))}
        />
        <Field
          label="Limit number of profiles (0 - no limit)"
          name="profileLimit"
          type="number"
          min={0}
          max={1000}
          defaultValue={v.profileLimit ?? settings.profileLimit}
          error={e.profileLimit}
        />
      </fieldset>
      <SubmitButton pendingText="Saving…">Save settings</SubmitButton>
    </form>
  );
}
