"use client";
import { useActionState } from "react";
import { CodeField } from "@/components/forms/code-field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { ResendButton } from "@/components/forms/resend-button";
import { confirmMyEmail, resendMyConfirmation } from "./actions";

export function ConfirmEmailForm({ resendUntil }: { resendUntil: number | null }) {
  const [state, formAction] = useActionState(confirmMyEmail, null);
  const [resendState, resendAction] = useActionState(resendMyConfirmation, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <div className="space-y-4">
      <form action={formAction} className="space-y-4" noValidate>
        <FormMessage state={state} fields={["code"]} />
        <CodeField source="email" error={e.code} />
        <SubmitButton pendingText="Checking…">Confirm email</SubmitButton>
      </form>
      <form action={resendAction} className="space-y-2">
        <FormMessage state={resendState} fields={[]} />
        <ResendButton until={resendState ? resendState.retryAt : resendUntil} />
      </form>
    </div>
  );
}
