"use client";
// A profile's display name and type (A5): used to create the first profile, to add one, and to edit one.
import { useActionState } from "react";
import { Field, Select } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/action";

export function ProfileForm({
  action,
  types,
  defaultType,
  submitLabel,
  idPrefix = "profile",
  profileId,
  defaultName,
}: {
  action: (prev: FormState, formData: FormData) => Promise<FormState>;
  types: string[];
  defaultType: string;
  submitLabel: string;
  idPrefix?: string;
  profileId?: string;
  defaultName?: string;
}) {
  const [state, formAction] = useActionState(action, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = (!state?.ok && state?.values) || {};
  // A type the admin has since removed still shows on the profile that has it.
  const options = (types.includes(defaultType) ? types : [defaultType, ...types]).map((t) => ({ value: t, label: t }));
  // After a refused save the fields show what was submitted; otherwise the stored values.
  const key = state && !state.ok ? JSON.stringify(v) : `stored-${defaultName ?? ""}-${defaultType}`;
  return (
    <form action={formAction} className="space-y-4" noValidate key={key}>
      <FormMessage state={state} fields={["name", "type"]} />
      {profileId ? <input type="hidden" name="profileId" value={profileId} /> : null}
      <Field
        label="Display name"
        name="name"
        id={`${idPrefix}-name`}
        maxLength={200}
        required
        autoComplete="off"
        defaultValue={v.name ?? defaultName ?? ""}
        error={e.name}
      />
      <Select label="Profile type" name="type" id={`${idPrefix}-type`} defaultValue={v.type ?? defaultType} error={e.type} options={options} />
      <SubmitButton pendingText="Saving…">{submitLabel}</SubmitButton>
    </form>
  );
}
