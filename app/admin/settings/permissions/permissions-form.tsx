"use client";
import { useActionState } from "react";
import { Checkbox } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { savePendingPermissions } from "./actions";

export function PermissionsForm({ actions, allowed }: { actions: Array<{ key: string; label: string }>; allowed: Record<string, boolean> }) {
  const [state, formAction] = useActionState(savePendingPermissions, null);
  const v = (!state?.ok && state?.values) || {};
  const checked = (key: string) => (state && !state.ok ? v[key] === "on" : Boolean(allowed[key]));
  return (
    <form action={formAction} className="max-w-xl space-y-5" noValidate key={state && !state.ok ? JSON.stringify(v) : "stored"}>
      <FormMessage state={state} />
      <fieldset className="space-y-3">
        <legend className="mb-2 text-sm font-semibold text-slate-800">Accounts awaiting activation may:</legend>
        {actions.map((a) => (
          <Checkbox key={a.key} label={a.label} name={a.key} defaultChecked={checked(a.key)} />
        ))}
      </fieldset>
      <SubmitButton pendingText="Saving…">Save settings</SubmitButton>
    </form>
  );
}
