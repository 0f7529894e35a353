"use client";
import { useActionState } from "react";
import { CodeField } from "@/components/forms/code-field";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { cancelEmailChangeAction, confirmEmailChangeAction, sendEmailChangeCode } from "./actions";

/** A10: a new address gets a code ("Send code to new address"), and the code makes it the account's email. */
export function EmailForm({ current, pendingEmail }: { current: string | null; pendingEmail: string | null }) {
  const [sendState, sendAction] = useActionState(sendEmailChangeCode, null);
  const [state, confirmAction] = useActionState(confirmEmailChangeAction, null);
  const [, cancelAction] = useActionState(cancelEmailChangeAction, null);
  const se = (!sendState?.ok && sendState?.fieldErrors) || {};
  const e = (!state?.ok && state?.fieldErrors) || {};
  if (pendingEmail) {
    return (
      <div className="max-w-md space-y-4">
        <p className="text-sm text-slate-700">
          We sent a code to <strong>{pendingEmail}</strong>.
        </p>
        <form action={confirmAction} className="space-y-4" noValidate>
          <FormMessage state={state} fields={["code"]} />
          <CodeField id="email-change-code" source="email" error={e.code} />
          <SubmitButton pendingText="Checking…">Confirm email</SubmitButton>
        </form>
        <form action={cancelAction}>
          <SubmitButton variant="secondary">Use another address</SubmitButton>
        </form>
      </div>
    );
  }
  return (
    <div className="max-w-md space-y-4">
      {state?.ok ? <FormMessage state={state} /> : null}
      <form action={sendAction} className="space-y-4" noValidate>
        <FormMessage state={sendState?.ok ? null : sendState} fields={["email"]} />
        <Field
          label={current ? "New email address" : "Email address"}
          name="email"
          id="field-new-email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          defaultValue={sendState?.values?.email}
          hint="We'll send a code to this address to confirm it."
          error={se.email}
        />
        <SubmitButton pendingText="Sending…">Send code to new address</SubmitButton>
      </form>
    </div>
  );
}
