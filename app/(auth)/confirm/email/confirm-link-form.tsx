"use client";
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { confirmEmailLink } from "./actions";

export function ConfirmLinkForm({ token }: { token: string }) {
  const [state, formAction] = useActionState(confirmEmailLink, null);
  return (
    <form action={formAction} className="space-y-4">
      <FormMessage state={state} />
      <input type="hidden" name="token" value={token} />
      <SubmitButton pendingText="Confirming…">Confirm email</SubmitButton>
    </form>
  );
}
