"use client";
// The one WebAuthn ceremony in the browser: options from the server, the key's answer, the server's verdict.
import { useState } from "react";
import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { ActionResult, FormState } from "@/lib/action";

type Ceremony =
  | { kind: "register"; options: () => Promise<ActionResult<PublicKeyCredentialCreationOptionsJSON>> }
  | { kind: "authenticate"; options: () => Promise<ActionResult<PublicKeyCredentialRequestOptionsJSON>> };

export type SecurityKeyCeremony<R> = Ceremony & {
  /** Sends the key's answer to the server; a sign-in that succeeds redirects from there. */
  finish: (response: object) => Promise<ActionResult<R> | FormState<R>>;
  /** Shown when the browser's ceremony fails or is cancelled: what to do instead. */
  cancelled: string;
  /** Told to the server when the ceremony fails in the browser (a sign-in counts it as a failed attempt). */
  onCancel?: () => Promise<unknown>;
};

/** Runs a security-key ceremony on demand and keeps its result for the form to show. */
export function useSecurityKey<R = unknown>(ceremony: SecurityKeyCeremony<R>) {
  const [state, setState] = useState<FormState<R>>(null);
  const [busy, setBusy] = useState(false);
  async function run() {
    if (busy) return;
    setBusy(true);
    setState(null);
    try {
      const opts = await ceremony.options();
      if (!opts.ok || !opts.data) return setState(opts.ok ? { ok: false, message: "Security keys are unavailable right now." } : opts);
      let response: object;
      try {
        response =
          ceremony.kind === "register"
            ? await startRegistration({ optionsJSON: opts.data as PublicKeyCredentialCreationOptionsJSON })
            : await startAuthentication({ optionsJSON: opts.data as PublicKeyCredentialRequestOptionsJSON });
      } catch {
        await ceremony.onCancel?.();
        return setState({ ok: false, message: ceremony.cancelled });
      }
      setState((await ceremony.finish(response)) ?? null);
    } catch {
      setState({ ok: false, message: "The connection failed. Check your network and try again." });
    } finally {
      setBusy(false);
    }
  }
  return { state, setState, busy, run };
}
