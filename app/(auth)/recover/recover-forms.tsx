"use client";
// Password recovery (A8): ask for a code, then the code with a new password; or a new password from an emailed link.
import { useActionState } from "react";
import { CodeEntryForm } from "@/components/forms/code-entry-form";
import { NewPasswordFields } from "@/components/forms/new-password-fields";
import { ProofOfWork } from "@/components/forms/proof-of-work";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { resendRecoveryAction, resetWithCodeAction, resetWithLinkAction, startRecoveryAction } from "./actions";

export function RecoverStartForm({ smsEnabled }: { smsEnabled: boolean }) {
  const [state, formAction] = useActionState(startRecoveryAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = state?.values ?? {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} fields={["identifier"]} />
      <Field
        label={smsEnabled ? "Email or phone" : "Email"}
        name="identifier"
        autoComplete="username"
        required
        autoFocus
        defaultValue={v.identifier}
        key={`i${v.identifier}`}
        hint={smsEnabled ? "A phone number gets a code by SMS; an email address gets a code and a link." : "We'll email you a code and a link."}
        error={e.identifier}
      />
      <ProofOfWork />
      <SubmitButton pendingText="Sending…">Send code</SubmitButton>
    </form>
  );
}

export function RecoverCodeForm({ source, resendUntil }: { source: "sms" | "email"; resendUntil: number | null }) {
  return (
    <CodeEntryForm
      verify={resetWithCodeAction}
      resend={resendRecoveryAction}
      submitLabel="Set new password"
      extraFieldNames={["newPassword", "confirmPassword"]}
      source={source}
      resendUntil={resendUntil}
      extraFields={(errors) => <NewPasswordFields errors={errors} />}
    />
  );
}

export function ResetWithLinkForm({ token }: { token: string }) {
  const [state, formAction] = useActionState(resetWithLinkAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} fields={["newPassword", "confirmPassword"]} />
      <input type="hidden" name="token" value={token} />
      <NewPasswordFields errors={e} />
      <SubmitButton pendingText="Saving…">Set new password</SubmitButton>
    </form>
  );
}
