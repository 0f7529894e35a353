"use client";
import { useActionState, useState } from "react";
import { CODE_INPUT_CLASS, CodeField } from "@/components/forms/code-field";
import { useSecurityKey } from "@/components/webauthn/use-security-key";
import { RecoveryCodesList, TotpSecret } from "@/components/forms/two-factor-setup";
import { PhoneField, type CountryOption } from "@/components/forms/phone-field";
import { Checkbox, Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { ResendButton } from "@/components/forms/resend-button";
import type { FormState } from "@/lib/action";
import {
  beginTotpEnrolAction,
  confirmTotpEnrolAction,
  continueAfterEnrolmentAction,
  finishKeyEnrolAction,
  keyEnrolOptionsAction,
  sendCodeAction,
  verifyCodeAction,
  webauthnFailedAction,
  webauthnOptionsAction,
  webauthnVerifyAction,
} from "./actions";

const RememberBox = ({ duration }: { duration: string }) => (
  <Checkbox label="Remember this device" name="remember" hint={`Skip this step on this browser for ${duration}.`} />
);

/** SMS or email: send a code (asking for the phone first when the account has none), then type it. */
export function CodeMethodForm(props: {
  method: "sms" | "email";
  target: string | null;
  needsPhone: boolean;
  countries: CountryOption[];
  defaultCountry: string;
  emailFallback: boolean;
  failedBefore: boolean;
  duration: string;
  /** The send cooldown's end when the page was made (milliseconds since 1970). */
  sendUntil: number | null;
}) {
  const [sendState, sendAction] = useActionState(sendCodeAction, null);
  const [emailState, emailAction] = useActionState(sendCodeAction, null);
  const [verifyState, verifyAction] = useActionState(verifyCodeAction, null);
  // A refused resend (cooldown, limit) keeps the earlier code usable: remember the last sent state.
  const [lastSent, setLastSent] = useState<FormState>(null);
  if (sendState?.ok && sendState !== lastSent) setLastSent(sendState);
  const sent = sendState?.ok ? sendState : lastSent;
  const sends = Number((sent?.ok && sent.values?.sends) || 0);
  const method = emailState?.ok ? "email" : props.method;
  const sentPhone = sent?.ok ? sent.values : undefined;
  const se = (!sendState?.ok && sendState?.fieldErrors) || {};
  const ve = (!verifyState?.ok && verifyState?.fieldErrors) || {};
  const offerEmail = props.method === "sms" && props.emailFallback && !emailState?.ok && (sends >= 2 || props.failedBefore || (verifyState && !verifyState.ok));
  return (
    <div className="space-y-6">
      <form action={sendAction} className="space-y-4" noValidate>
        <FormMessage state={sendState} fields={props.needsPhone ? ["phone", "phoneCountry"] : []} />
        <input type="hidden" name="channel" value={props.method} />
        <input type="hidden" name="sends" value={sends} />
        {props.needsPhone ? (
          <>
            <p className="text-sm text-slate-700">
              Enter your mobile number: we&apos;ll text a code to it, and it will be saved to your account once the code is right.
            </p>
            <PhoneField
              countries={props.countries}
              defaultCountry={sendState?.values?.phoneCountry || props.defaultCountry}
              defaultValue={sendState?.values?.phone ?? sentPhone?.phone}
              error={se.phone}
              countryError={se.phoneCountry}
            />
          </>
        ) : (
          <p className="text-sm text-slate-700">We&apos;ll send a code to {props.target}.</p>
        )}
        <ResendButton variant={sends ? "secondary" : "primary"} until={sendState ? sendState.retryAt : props.sendUntil}>
          {sends ? "Send a new code" : "Send code"}
        </ResendButton>
      </form>
      {offerEmail ? (
        <form action={emailAction} className="space-y-2">
          <input type="hidden" name="channel" value="email" />
          <SubmitButton variant="secondary" pendingText="Sending…">
            Send code by email instead
          </SubmitButton>
        </form>
      ) : null}
      <FormMessage state={emailState} />
      <form action={verifyAction} className="space-y-4" noValidate>
        <FormMessage state={verifyState} fields={["code"]} />
        <input type="hidden" name="method" value={method} />
        {props.needsPhone && sentPhone?.phone ? (
          <>
            <input type="hidden" name="phone" value={sentPhone.phone} />
            <input type="hidden" name="phoneCountry" value={sentPhone.phoneCountry ?? ""} />
          </>
        ) : null}
        {/* Focused once a code was sent (the field is made again with each send). */}
        <CodeField key={sends} source={method === "email" ? "email" : "sms"} autoFocus={sends > 0 || emailState?.ok === true} error={ve.code} />
        <RememberBox duration={props.duration} />
        <SubmitButton pendingText="Checking…">Verify</SubmitButton>
      </form>
    </div>
  );
}

/** Authenticator app or recovery code: type it. */
export function TypedCodeForm({ method, duration }: { method: "totp" | "recovery"; duration: string }) {
  const [state, formAction] = useActionState(verifyCodeAction, null);
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormMessage state={state} fields={["code"]} />
      <input type="hidden" name="method" value={method} />
      {method === "totp" ? (
        <CodeField label="Code from your authenticator app" source="app" error={e.code} />
      ) : (
        <Field
          label="Recovery code"
          name="code"
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          required
          maxLength={20}
          autoFocus
          hint="One of the 10 codes you saved, like abcde-fghij. Each works once."
          error={e.code}
          inputClassName={CODE_INPUT_CLASS}
        />
      )}
      <RememberBox duration={duration} />
      <SubmitButton pendingText="Checking…">Verify</SubmitButton>
    </form>
  );
}

/** Security key: needs JavaScript (WebAuthn is a browser API). */
export function SecurityKeyPanel({ duration }: { duration: string }) {
  const [remember, setRemember] = useState(false);
  const { state, busy, run } = useSecurityKey({
    kind: "authenticate",
    options: () => webauthnOptionsAction(),
    finish: (response) => webauthnVerifyAction({ response, remember }),
    onCancel: () => webauthnFailedAction(),
    cancelled: "The security key did not respond or the request was cancelled. Try again or use another method.",
  });
  return (
    <div className="space-y-4">
      <FormMessage state={state} />
      <p className="text-sm text-slate-700">Insert or touch your security key when your browser asks.</p>
      <div className="flex items-start gap-3">
        <input id="remember-key" type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} className="mt-1 h-4 w-4" />
        <label htmlFor="remember-key" className="text-sm font-medium">
          Remember this device <span className="block text-xs font-normal text-slate-600">Skip this step on this browser for {duration}.</span>
        </label>
      </div>
      <button
        type="button"
        onClick={run}
        aria-disabled={busy}
        className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
      >
        {busy ? "Waiting for your key…" : "Use your security key"}
      </button>
      <noscript>
        <p className="text-sm text-red-700">Security keys need JavaScript. Choose another method below.</p>
      </noscript>
    </div>
  );
}

/** The 10 recovery codes made by the first method set up during sign-in, then "Continue". */
export function RecoveryCodesStep({ codes }: { codes: string[] }) {
  const [state, action] = useActionState(continueAfterEnrolmentAction, null);
  return (
    <div className="space-y-4">
      <RecoveryCodesList codes={codes} />
      <form action={action} className="space-y-2">
        <FormMessage state={state} />
        <SubmitButton>I have saved these codes, continue</SubmitButton>
      </form>
    </div>
  );
}

/** Setting up an authenticator app during sign-in: QR code and key, then a current code. */
export function TotpEnrolForm({ duration }: { duration: string }) {
  const [begin, beginAction] = useActionState(beginTotpEnrolAction, null);
  const [state, action] = useActionState(confirmTotpEnrolAction, null);
  const secret = begin?.ok ? begin.data : undefined;
  const e = (!state?.ok && state?.fieldErrors) || {};
  if (!secret)
    return (
      <form action={beginAction} className="space-y-3">
        <FormMessage state={begin} />
        <SubmitButton>Set up authenticator app</SubmitButton>
      </form>
    );
  return (
    <div className="space-y-3">
      <TotpSecret qrDataUrl={secret.qrDataUrl} secret={secret.secret} />
      <form action={action} className="space-y-4" noValidate>
        <FormMessage state={state} fields={["code"]} />
        <CodeField label="Code from your authenticator app" source="app" error={e.code} />
        <RememberBox duration={duration} />
        <SubmitButton pendingText="Checking…">Confirm authenticator app</SubmitButton>
      </form>
    </div>
  );
}

/** Registering a first security key during sign-in (needs JavaScript). */
export function KeyEnrolPanel({ duration }: { duration: string }) {
  const [name, setName] = useState("");
  const [remember, setRemember] = useState(false);
  const { state, setState, busy, run } = useSecurityKey({
    kind: "register",
    options: () => keyEnrolOptionsAction(),
    finish: (response) => finishKeyEnrolAction({ response, name, remember }),
    cancelled: "The security key did not respond or the request was cancelled. Try again or choose another method.",
  });
  function add(e: React.FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setState({ ok: false, fieldErrors: { name: "Name the key." }, message: "Name the key." });
    void run();
  }
  const e = (!state?.ok && state?.fieldErrors) || {};
  return (
    <form onSubmit={add} className="space-y-4" noValidate>
      <FormMessage state={state} fields={["name"]} />
      <Field label="Security key name" name="keyName" value={name} onChange={(ev) => setName(ev.target.value)} maxLength={60} error={e.name} />
      <div className="flex items-start gap-3">
        <input id="remember-new-key" type="checkbox" checked={remember} onChange={(ev) => setRemember(ev.target.checked)} className="mt-1 h-4 w-4" />
        <label htmlFor="remember-new-key" className="text-sm font-medium">
          Remember this device <span className="block text-xs font-normal text-slate-600">Skip this step on this browser for {duration}.</span>
        </label>
      </div>
      <button
        type="submit"
        aria-disabled={busy}
        className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
      >
        {busy ? "Waiting for your key…" : "Add a security key"}
      </button>
      <noscript>
        <p className="text-sm text-red-700">Security keys need JavaScript. Choose another method below.</p>
      </noscript>
    </form>
  );
}
