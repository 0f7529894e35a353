"use client";
// Rotate the secret (the new one shown once) and disable or enable the app.
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { rotateSecretAction, setClientStatusAction } from "../actions";

export function RotateSecret({ clientId }: { clientId: string }) {
  const [state, formAction] = useActionState(rotateSecretAction, null);
  const secret = state?.ok ? state.data?.secret : undefined;
  return (
    <div className="space-y-3">
      <form action={formAction} className="space-y-3">
        <FormMessage state={state} />
        <input type="hidden" name="clientId" value={clientId} />
        <SubmitButton variant="secondary" pendingText="Rotating…">
          Rotate secret
        </SubmitButton>
      </form>
      {secret ? (
        <div className="max-w-2xl space-y-1 rounded-md border border-amber-300 bg-amber-50 p-4">
          <label htmlFor="rotated-client-secret" className="block text-sm font-semibold text-amber-950">
            New client secret
          </label>
          <input
            id="rotated-client-secret"
            readOnly
            value={secret}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm"
          />
        </div>
      ) : null}
    </div>
  );
}

export function ClientStatus({ clientId, disabled }: { clientId: string; disabled: boolean }) {
  const [state, formAction] = useActionState(setClientStatusAction, null);
  return (
    <form action={formAction} className="space-y-3">
      <FormMessage state={state} />
      <input type="hidden" name="clientId" value={clientId} />
      <input type="hidden" name="op" value={disabled ? "enable" : "disable"} />
      <SubmitButton variant={disabled ? "primary" : "danger"} pendingText="Saving…">
        {disabled ? "Enable app" : "Disable app"}
      </SubmitButton>
    </form>
  );
}
