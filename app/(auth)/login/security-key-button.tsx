"use client";
// "Sign in with a security key" on /login: a passwordless ceremony (needs JavaScript).
import { useSecurityKey } from "@/components/webauthn/use-security-key";
import { securityKeyOptionsAction, securityKeySignInAction } from "./security-key-actions";

export function SecurityKeyButton({ next }: { next?: string }) {
  const { state, busy, run } = useSecurityKey({
    kind: "authenticate",
    options: () => securityKeyOptionsAction(),
    finish: (response) => securityKeySignInAction({ response, next }),
    cancelled: "The security key did not respond or the request was cancelled. Try again or sign in with your password.",
  });
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
      {state && !state.ok ? (
        <p role="alert" className="text-sm text-red-700">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
