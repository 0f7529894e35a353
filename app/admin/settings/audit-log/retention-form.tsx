"use client";
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { saveAuditRetention } from "./actions";

export function RetentionForm({ retentionDays }: { retentionDays: number }) {
  const [state, formAction] = useActionState(saveAuditRetention, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = (!state?.ok && state?.values) || {};
  const k = state && !state.ok ? JSON.stringify(v) : "saved";
  return (
    <form action={formAction} className="max-w-xl space-y-5" noValidate key={k}>
      <FormMessage state={state} />
      <Field
        label="Keep audit log entries for (days)"
        name="retentionDays"
        type="number"
        min={30}
        max={3650}
        hint="The daily job deletes entries older than this. Between 30 and 3,650 days."
        defaultValue={v.retentionDays ?? retentionDays}
        error={e.retentionDays}
      />
      <SubmitButton pendingText="Saving…">Save settings</SubmitButton>
    </form>
  );
}
