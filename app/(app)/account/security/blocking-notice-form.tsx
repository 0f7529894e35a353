"use client";
// A9: the option *Notify about account blocking by email* (on by default), with the scheduled date when there is one.
import { useActionState } from "react";
import { Checkbox } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { saveBlockingNoticeAction } from "./blocking-actions";

export function BlockingNoticeForm({ notify, blockOnLabel }: { notify: boolean; blockOnLabel?: string | null }) {
  const [state, formAction] = useActionState(saveBlockingNoticeAction, null);
  const v = (!state?.ok && state?.values) || {};
  const checked = state && !state.ok ? v.notifyBlocking === "on" : notify;
  return (
    <form action={formAction} className="max-w-xl space-y-3" key={`${notify}-${state && !state.ok ? JSON.stringify(v) : "stored"}`}>
      <FormMessage state={state} />
      {blockOnLabel ? (
        <p className="text-sm text-slate-800" data-testid="blocking-date">
          Your administrator has scheduled this account to be blocked on <strong>{blockOnLabel}</strong>.
        </p>
      ) : null}
      <Checkbox
        label="Notify about account blocking by email"
        name="notifyBlocking"
        defaultChecked={checked}
        hint="If an administrator schedules your account to be blocked, we email you once a day during the 5 days before."
      />
      <SubmitButton pendingText="Saving…">Save notification setting</SubmitButton>
    </form>
  );
}
