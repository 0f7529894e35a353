"use client";
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { cancelVerifyAction, startStepUpAction } from "./actions";

export function StepUpForm() {
  const [state, formAction] = useActionState(startStepUpAction, null);
  return (
    <form action={formAction} className="space-y-4">
      <FormMessage state={state} />
      <SubmitButton>Continue</SubmitButton>
    </form>
  );
}

export function CancelForm() {
  const [, formAction] = useActionState(cancelVerifyAction, null);
  return (
    <form action={formAction}>
      <button type="submit" className="text-sm text-brand-600 underline">
        Cancel and sign in again
      </button>
    </form>
  );
}
