"use client";
// A5: the list of profile types users choose from, one per line.
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { saveProfileTypes } from "./actions";

export function ProfileTypesForm({ types }: { types: string[] }) {
  const [state, formAction] = useActionState(saveProfileTypes, null);
  const error = state && !state.ok ? Object.entries(state.fieldErrors ?? {}).find(([k]) => k.startsWith("profileTypes"))?.[1] : undefined;
  const value = state && !state.ok ? (state.values?.profileTypes ?? "") : types.join("\n");
  return (
    <form action={formAction} className="max-w-xl space-y-4" noValidate key={value}>
      <FormMessage state={state} />
      <div className="space-y-1">
        <label htmlFor="field-profileTypes" className="block text-sm font-medium text-slate-800">
          Profile types
        </label>
        <p id="field-profileTypes-hint" className="text-xs text-slate-600">
          One type per line. Users choose from these when they create a profile; existing profiles keep their type.
        </p>
        <textarea
          id="field-profileTypes"
          name="profileTypes"
          rows={Math.min(Math.max(types.length + 1, 3), 12)}
          defaultValue={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={["field-profileTypes-hint", error ? "field-profileTypes-error" : ""].filter(Boolean).join(" ")}
          className={`block w-full rounded-md border bg-white px-3 py-2 text-base ${error ? "border-red-600" : "border-slate-300"}`}
        />
        {error ? (
          <p id="field-profileTypes-error" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </div>
      <SubmitButton pendingText="Saving…">Save profile types</SubmitButton>
    </form>
  );
}
