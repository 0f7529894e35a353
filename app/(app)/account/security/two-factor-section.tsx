"use client";
import { useActionState, useState } from "react";
import { CodeField } from "@/components/forms/code-field";
import { FreshRecoveryCodes, TotpSecret } from "@/components/forms/two-factor-setup";
import { Checkbox, Field, Select } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { ResendButton } from "@/components/forms/resend-button";
import type { FormState } from "@/lib/action";
import type { NewRecoveryCodes } from "@/lib/shared/form-schemas";
import { useSecurityKey } from "@/components/webauthn/use-security-key";
import {
  beginTotpAction,
  chooseMethodsAction,
  confirmEmailMethodAction,
  confirmTotpAction,
  finishKeyRegistrationAction,
  keyRegistrationOptionsAction,
  regenerateCodesAction,
  removeMethodAction,
  renameKeyAction,
  sendEmailMethodCode,
  toggleTwoFactorAction,
} from "./two-factor-actions";

type Method = "sms" | "email" | "totp" | "webauthn";
const LABEL: Record<Method, string> = { sms: "Text message (SMS)", email: "Email codes", totp: "Authenticator app", webauthn: "Security keys" };
export type KeyRow = { id: string; name: string; created: string; lastUsed: string };

/** The recovery codes an action just made, shown once. */
function RecoveryCodes({ state }: { state: FormState<NewRecoveryCodes> }) {
  return <FreshRecoveryCodes codes={state?.ok ? state.data?.recoveryCodes : undefined} />;
}

export function RemoveButton({ method, credentialId, label }: { method: Method; credentialId?: string; label: string }) {
  const [state, action] = useActionState(removeMethodAction, null);
  return (
    <form action={action} className="inline">
      <input type="hidden" name="method" value={method} />
      {credentialId ? <input type="hidden" name="credentialId" value={credentialId} /> : null}
      <SubmitButton variant="secondary">{label}</SubmitButton>
      {state && !state.ok ? (
        <p role="alert" className="mt-1 text-sm text-red-700">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

/**
 * The account's own switch for the second step (T6): "Ask for a second step when I sign in", and
 * for admins the Manager app's. When the policy asks every account, the page shows no switch.
 */
export function SecondStepSettings({ web, manager, isAdmin }: { web: boolean; manager: boolean; isAdmin: boolean }) {
  const [state, action] = useActionState(toggleTwoFactorAction, null);
  return (
    <form action={action} className="space-y-3" key={`${web}-${manager}`}>
      <FormMessage state={state} />
      <Checkbox label="Ask for a second step when I sign in" name="web" defaultChecked={web} />
      {isAdmin ? <Checkbox label="Ask for a second step when I open the Manager app" name="manager" defaultChecked={manager} /> : null}
      <SubmitButton pendingText="Saving…">Save</SubmitButton>
    </form>
  );
}

export function EmailMethod({ enrolled, email }: { enrolled: boolean; email: string | null }) {
  const [sendState, sendAction] = useActionState(sendEmailMethodCode, null);
  const [state, action] = useActionState(confirmEmailMethodAction, null);
  if (enrolled) {
    // Right after confirming, the success message and (first method) the recovery codes show once.
    return (
      <div className="space-y-3">
        {state?.ok ? <FormMessage state={state} /> : null}
        <RecoveryCodes state={state} />
        <RemoveButton method="email" label="Remove email codes" />
      </div>
    );
  }
  if (!email) return <p className="text-sm text-slate-600">Add an email address to your account first.</p>;
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <div className="space-y-3">
      <form action={sendAction} className="space-y-3">
        <FormMessage state={sendState} fields={[]} />
        <p className="text-sm text-slate-700">We&apos;ll email a code to {email} to check that codes reach you there.</p>
        <ResendButton variant={sendState?.ok ? "secondary" : "primary"} until={sendState?.retryAt}>
          {sendState?.ok ? "Email me a new code" : "Email me a code"}
        </ResendButton>
      </form>
      {sendState?.ok ? (
        <form action={action} className="space-y-3" noValidate>
          <FormMessage state={state} fields={["code"]} />
          <CodeField id="email-method-code" source="email" error={e.code} />
          <SubmitButton>Confirm email codes</SubmitButton>
        </form>
      ) : null}
      <RecoveryCodes state={state} />
    </div>
  );
}

export function TotpMethod({ enrolled }: { enrolled: boolean }) {
  const [begin, beginAction] = useActionState(beginTotpAction, null);
  const [state, action] = useActionState(confirmTotpAction, null);
  if (enrolled && !state?.ok) return <RemoveButton method="totp" label="Remove authenticator app" />;
  const e = (!state?.ok && state?.fieldErrors) || {};
  const secret = begin?.ok ? begin.data : undefined;
  return (
    <div className="space-y-3">
      {!secret ? (
        <form action={beginAction}>
          <FormMessage state={begin} />
          <SubmitButton>Set up authenticator app</SubmitButton>
        </form>
      ) : state?.ok ? null : (
        <div className="space-y-3">
          <TotpSecret qrDataUrl={secret.qrDataUrl} secret={secret.secret} />
          <form action={action} className="space-y-3" noValidate>
            <FormMessage state={state} fields={["code"]} />
            <CodeField id="totp-setup-code" label="Code from your authenticator app" source="app" error={e.code} />
            <SubmitButton>Confirm authenticator app</SubmitButton>
          </form>
        </div>
      )}
      <FormMessage state={state?.ok ? state : null} />
      <RecoveryCodes state={state} />
    </div>
  );
}

function KeyRowView({ k }: { k: KeyRow }) {
  const [state, action] = useActionState(renameKeyAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <li className="space-y-2 p-3">
      <p className="font-medium">{k.name}</p>
      <p className="text-xs text-slate-600">
        Added {k.created} · last used {k.lastUsed}
      </p>
      {state?.ok ? <FormMessage state={state} /> : null}
      <div className="flex flex-wrap items-end gap-3">
        <form action={action} className="flex flex-wrap items-end gap-2" noValidate>
          <input type="hidden" name="credentialId" value={k.id} />
          <Field label={`New name for ${k.name}`} name="name" id={`rename-${k.id}`} maxLength={60} error={e.name} />
          <SubmitButton variant="secondary">Rename</SubmitButton>
        </form>
        <RemoveButton method="webauthn" credentialId={k.id} label={`Remove ${k.name}`} />
      </div>
    </li>
  );
}

export function SecurityKeys({ keys }: { keys: KeyRow[] }) {
  const [name, setName] = useState("");
  const { state, setState, busy, run } = useSecurityKey({
    kind: "register",
    options: () => keyRegistrationOptionsAction(),
    finish: async (response) => {
      const result = await finishKeyRegistrationAction({ response, name });
      if (result.ok) setName("");
      return result;
    },
    cancelled: "The security key did not respond or the request was cancelled. Try again.",
  });
  function add(e: React.FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setState({ ok: false, fieldErrors: { name: "Name the key." }, message: "Name the key." });
    void run();
  }
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <div className="space-y-3">
      {keys.length ? (
        <ul aria-label="Security keys" className="divide-y divide-slate-200 rounded border border-slate-200">
          {keys.map((k) => (
            <KeyRowView key={k.id} k={k} />
          ))}
        </ul>
      ) : null}
      <form onSubmit={add} className="flex flex-wrap items-end gap-2" noValidate>
        <Field label="Security key name" name="keyName" value={name} onChange={(ev) => setName(ev.target.value)} maxLength={60} error={e.name} />
        <button
          type="submit"
          aria-disabled={busy}
          className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700"
        >
          {busy ? "Waiting for your key…" : "Add a security key"}
        </button>
      </form>
      <FormMessage state={state} fields={["name"]} />
      <RecoveryCodes state={state} />
    </div>
  );
}

export function ChooseMethods({ enrolled, primary, backup }: { enrolled: Method[]; primary: string | null; backup: string | null }) {
  const [state, action] = useActionState(chooseMethodsAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  if (!enrolled.length) return null;
  const options = enrolled.map((m) => ({ value: m, label: LABEL[m] }));
  return (
    <form action={action} className="grid max-w-xl gap-3 sm:grid-cols-2" noValidate>
      <div className="sm:col-span-2">
        <FormMessage state={state} fields={["primary", "backup"]} />
      </div>
      <Select label="Main method" name="primary" defaultValue={primary ?? enrolled[0]} options={options} error={e.primary} />
      <Select label="Backup method" name="backup" defaultValue={backup ?? "none"} options={[{ value: "none", label: "None" }, ...options]} error={e.backup} />
      <div>
        <SubmitButton>Save methods</SubmitButton>
      </div>
    </form>
  );
}

export function RegenerateCodes({ remaining }: { remaining: number }) {
  const [state, action] = useActionState(regenerateCodesAction, null);
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-700">
        {remaining} of your codes {remaining === 1 ? "is" : "are"} left. New codes replace all of them: the old ones stop working.
      </p>
      <form action={action} className="space-y-3">
        <FormMessage state={state?.ok ? null : state} />
        <SubmitButton>Make new recovery codes</SubmitButton>
      </form>
      <RecoveryCodes state={state} />
    </div>
  );
}

export { LABEL as METHOD_LABELS };
