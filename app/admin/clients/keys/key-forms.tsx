"use client";
// "Publish a new key" and "Activate it now" for one algorithm.
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { keyAction } from "../actions";

export function KeyForms({ alg, hasNext }: { alg: "ES256" | "RS256"; hasNext: boolean }) {
  const [state, formAction] = useActionState(keyAction, null);
  return (
    <div className="space-y-3">
      <FormMessage state={state} />
      <div className="flex flex-wrap gap-3">
        <form action={formAction}>
          <input type="hidden" name="alg" value={alg} />
          <input type="hidden" name="op" value="publish" />
          <SubmitButton variant="secondary" pendingText="Publishing…">
            {`Publish a new ${alg} key`}
          </SubmitButton>
        </form>
        {hasNext ? (
          <form action={formAction}>
            <input type="hidden" name="alg" value={alg} />
            <input type="hidden" name="op" value="activate" />
            <SubmitButton pendingText="Activating…">{`Activate the new ${alg} key now`}</SubmitButton>
          </form>
        ) : null}
      </div>
    </div>
  );
}
