"use client";
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { deleteProfileAction } from "./actions";

export function DeleteProfileButton({ profileId, name }: { profileId: string; name: string }) {
  const [state, formAction] = useActionState(deleteProfileAction, null);
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="profileId" value={profileId} />
      <FormMessage state={state && !state.ok ? state : null} />
      <SubmitButton variant="danger" pendingText="Deleting…">
        Delete<span className="sr-only"> profile {name}</span>
      </SubmitButton>
    </form>
  );
}
