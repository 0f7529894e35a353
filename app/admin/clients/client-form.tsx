"use client";
// The app's settings (create and edit); after creating, its ID and secret are shown once.
import Link from "next/link";
import { useActionState } from "react";
import { Checkbox, Field, Select } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/action";
import { createClientAction, updateClientAction, type NewClient } from "./actions";

export type ClientFormValues = {
  id?: string;
  name: string;
  type: "confidential" | "public";
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  allowedScopes: string[];
  require2fa: boolean;
  skipConsent: boolean;
  idTokenAlg: "ES256" | "RS256";
};

const SCOPES: Array<{ value: string; label: string; hint: string }> = [
  { value: "openid", label: "openid", hint: "Needed to sign in: the account's ID (sub), how and when it signed in." },
  { value: "profile", label: "profile", hint: "Name and profile names." },
  { value: "email", label: "email", hint: "Email address and whether it is confirmed." },
  { value: "phone", label: "phone", hint: "Phone number and whether it is confirmed." },
  { value: "offline_access", label: "offline_access", hint: "Refresh tokens, so the app stays signed in." },
];

function TextArea({ label, name, hint, error, defaultValue }: { label: string; name: string; hint: string; error?: string; defaultValue: string }) {
  const id = `field-${name}`;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        {hint}
      </p>
      <textarea
        id={id}
        name={name}
        rows={3}
        defaultValue={defaultValue}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : ""].filter(Boolean).join(" ")}
        className={`block w-full rounded-md border bg-white px-3 py-2 font-mono text-sm ${error ? "border-red-600" : "border-slate-300"}`}
      />
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function ClientForm({ initial }: { initial?: ClientFormValues }) {
  const editing = Boolean(initial?.id);
  const [state, formAction] = useActionState<FormState<NewClient>, FormData>(editing ? updateClientAction : createClientAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  const failed = state && !state.ok ? (state.values ?? {}) : null;
  const created = !editing && state?.ok ? state.data : undefined;
  if (created?.clientId) {
    return (
      <div className="space-y-4">
        <FormMessage state={state} />
        <div className="max-w-2xl space-y-3 rounded-md border border-amber-300 bg-amber-50 p-4">
          <div className="space-y-1">
            <label htmlFor="new-client-id" className="block text-sm font-semibold text-amber-950">
              Client ID
            </label>
            <input
              id="new-client-id"
              readOnly
              value={created.clientId}
              className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm"
            />
          </div>
          {created.secret ? (
            <div className="space-y-1">
              <label htmlFor="new-client-secret" className="block text-sm font-semibold text-amber-950">
                Client secret
              </label>
              <input
                id="new-client-secret"
                readOnly
                value={created.secret}
                aria-describedby="new-client-secret-hint"
                className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm"
              />
              <p id="new-client-secret-hint" className="text-xs text-amber-950">
                Shown only now. Put it in the app&apos;s configuration; Latchkey keeps only a hash of it.
              </p>
            </div>
          ) : null}
        </div>
        <Link href={`/admin/clients/${encodeURIComponent(created.clientId)}`} className="inline-block font-medium text-brand-600 underline">
          Open the app&apos;s page
        </Link>
      </div>
    );
  }
  const v = (name: string, fallback: string) => (failed ? (failed[name] ?? "") : fallback);
  const checked = (name: string, fallback: boolean) => (failed ? failed[name] === "on" : fallback);
  const scopes = new Set(initial?.allowedScopes ?? ["openid", "profile", "email"]);
  return (
    <form action={formAction} className="max-w-2xl space-y-5" noValidate key={failed ? JSON.stringify(failed) : "stored"}>
      <FormMessage state={state} />
      {initial?.id ? <input type="hidden" name="clientId" value={initial.id} /> : null}
      <Field
        label="Name"
        name="name"
        required
        maxLength={200}
        hint="Shown to people on the consent page."
        defaultValue={v("name", initial?.name ?? "")}
        error={e.name}
      />
      {editing ? (
        <input type="hidden" name="type" value={initial!.type} />
      ) : (
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Kind of app</legend>
          {[
            { value: "confidential", label: "Confidential — a server-side web app that can keep a secret (gets a client secret)" },
            { value: "public", label: "Public — a single-page or mobile app (no secret; PKCE protects it)" },
          ].map((o) => (
            <div key={o.value} className="flex items-start gap-3">
              <input
                type="radio"
                id={`type-${o.value}`}
                name="type"
                value={o.value}
                defaultChecked={v("type", initial?.type ?? "confidential") === o.value}
                className="mt-1 h-4 w-4"
              />
              <label htmlFor={`type-${o.value}`} className="text-sm text-slate-800">
                {o.label}
              </label>
            </div>
          ))}
          {e.type ? <p className="text-sm text-red-700">{e.type}</p> : null}
        </fieldset>
      )}
      <TextArea
        label="Redirect URIs"
        name="redirectUris"
        hint="One per line, matched exactly. https://, http://localhost for development, or a mobile app's own scheme (com.example.app:/callback)."
        defaultValue={v("redirectUris", (initial?.redirectUris ?? []).join("\n"))}
        error={e.redirectUris}
      />
      <TextArea
        label="Sign-out redirect URIs (optional)"
        name="postLogoutRedirectUris"
        hint="Where the app may send people after signing out (post_logout_redirect_uri), one per line, matched exactly."
        defaultValue={v("postLogoutRedirectUris", (initial?.postLogoutRedirectUris ?? []).join("\n"))}
        error={e.postLogoutRedirectUris}
      />
      <fieldset className="space-y-3">
        <legend className="mb-1 text-sm font-medium text-slate-800">Allowed scopes</legend>
        {SCOPES.map((s) => (
          <Checkbox key={s.value} label={s.label} name={`scope_${s.value}`} hint={s.hint} defaultChecked={checked(`scope_${s.value}`, scopes.has(s.value))} />
        ))}
        {e.allowedScopes ? <p className="text-sm text-red-700">{e.allowedScopes}</p> : null}
      </fieldset>
      <fieldset className="space-y-3">
        <legend className="mb-1 text-sm font-medium text-slate-800">Sign-in rules</legend>
        <Checkbox
          label="Require two-step verification"
          name="require2fa"
          hint="People signed in with one factor pass their second step before entering this app."
          defaultChecked={checked("require2fa", initial?.require2fa ?? false)}
        />
        <Checkbox
          label="Skip the consent page (first-party app)"
          name="skipConsent"
          hint="For your own apps: people are not asked to allow the scopes."
          defaultChecked={checked("skipConsent", initial?.skipConsent ?? false)}
        />
      </fieldset>
      <Select
        label="ID token signing algorithm"
        name="idTokenAlg"
        options={[
          { value: "RS256", label: "RS256 (most compatible)" },
          { value: "ES256", label: "ES256" },
        ]}
        defaultValue={v("idTokenAlg", initial?.idTokenAlg ?? "RS256")}
        error={e.idTokenAlg}
      />
      <SubmitButton pendingText="Saving…">{editing ? "Save changes" : "Create app"}</SubmitButton>
    </form>
  );
}
