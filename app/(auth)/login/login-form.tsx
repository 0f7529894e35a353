"use client";
import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { signInAction } from "./actions";

export function LoginForm({ next }: { next?: string }) {
  const [state, formAction] = useActionState(signInAction, null);
  const v = state?.values ?? {};
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} fields={["identifier", "password"]} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <Field
        label="Email or phone"
        name="identifier"
        autoComplete="username"
        required
        defaultValue={v.identifier}
        key={`i${v.identifier}`}
        error={e.identifier}
      />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required error={e.password} />
      <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
    </form>
  );
}
