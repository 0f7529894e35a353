"use client";
import Link from "next/link";
import { useActionState } from "react";
import { PasswordField } from "@/components/forms/password-field";
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
        autoCapitalize="off"
        spellCheck={false}
        required
        autoFocus
        defaultValue={v.identifier}
        key={`i${v.identifier}`}
        error={e.identifier}
      />
      <PasswordField
        label="Password"
        name="password"
        autoComplete="current-password"
        error={e.password}
        labelAside={
          <Link href="/recover" className="text-sm text-brand-600 underline">
            Forgot password?
          </Link>
        }
      />
      <SubmitButton wide pendingText="Signing in…">
        Sign in
      </SubmitButton>
    </form>
  );
}
