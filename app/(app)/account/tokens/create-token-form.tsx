"use client";
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { createTokenAction } from "./actions";

export function CreateTokenForm() {
  const [state, formAction] = useActionState(createTokenAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const v = (!state?.ok && state?.values) || {};
  const secret = state?.ok ? state.data?.token : undefined;
  return (
    <div className="space-y-4">
      <form action={formAction} className="max-w-md space-y-4" noValidate key={state && !state.ok ? JSON.stringify(v) : "ready"}>
        <FormMessage state={state} fields={["name"]} />
        <Field
          label="Token name"
          name="name"
          maxLength={200}
          required
          autoComplete="off"
          hint="What the token is for, e.g. “Build server”."
          defaultValue={v.name}
          error={e.name}
        />
        <SubmitButton pendingText="Creating…">Create token</SubmitButton>
      </form>
      {secret ? (
        <div className="max-w-2xl space-y-1 rounded-md border border-amber-300 bg-amber-50 p-4">
          <label htmlFor="new-token-secret" className="block text-sm font-semibold text-amber-950">
            Your new token
          </label>
          <input
            id="new-token-secret"
            readOnly
            value={secret}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm"
            aria-describedby="new-token-secret-hint"
          />
          <p id="new-token-secret-hint" className="text-xs text-amber-950">
            Send it as <code>Authorization: Bearer …</code>. It is valid for one year and shown only now.
          </p>
        </div>
      ) : null}
    </div>
  );
}
