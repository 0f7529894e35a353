"use client";
import { useActionState } from "react";
import { CodeField } from "@/components/forms/code-field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { ResendButton } from "@/components/forms/resend-button";
import { confirmSignupCode, resendSignupCode } from "./actions";

export function CheckEmailForms({ email }: { email: string }) {
  const [state, formAction] = useActionState(confirmSignupCode, null);
  const [resendState, resendAction] = useActionState(resendSignupCode, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <div className="space-y-6">
      <form action={formAction} className="space-y-4" noValidate>
        <FormMessage state={state} fields={["code"]} />
        <input type="hidden" name="email" value={email} />
        <CodeField source="email" error={e.code} />
        <SubmitButton pendingText="Checking…">Confirm</SubmitButton>
      </form>
      <form action={resendAction} className="space-y-2">
        <FormMessage state={resendState} fields={[]} />
        <input type="hidden" name="email" value={email} />
        <ResendButton until={resendState?.retryAt} />
      </form>
    </div>
  );
}
