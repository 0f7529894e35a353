"use client";
import { useState } from "react";
import { startAuthentication } from "@simplewebauthn/browser";
import { securityKeyOptionsAction, securityKeySignInAction } from "./security-key-actions";

export function SecurityKeyButton({ next }: { next?: string }) {
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    setMessage(null);
    try {
      const opts = await securityKeyOptionsAction();
      if (!opts.ok) return setMessage(opts.message);
      let response;
      try {
        response = await startAuthentication({ optionsJSON: opts.options });
      } catch {
        return setMessage("The security key did not respond or the request was cancelled. Try again or sign in with your password.");
      }
      const result = await securityKeySignInAction(response, next);
      if (result && !result.ok) setMessage(result.message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="space-y-2">
      <button
        type="button"
        onClick={run}
        aria-disabled={busy}
        className="inline-flex min-h-10 w-full items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold hover:bg-slate-100"
      >
        {busy ? "Waiting for your key…" : "Sign in with a security key"}
      </button>
      {message ? (
        <p role="alert" className="text-sm text-red-700">
          {message}
        </p>
      ) : null}
    </div>
  );
}
