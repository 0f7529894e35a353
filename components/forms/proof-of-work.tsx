"use client";
// The proof of work of the signed-out forms that can send an SMS (S8): the ALTCHA widget (its build
// without inline styles or blob: workers) solves a challenge from /api/altcha when the form is
// submitted and adds the `altcha` field. Without JavaScript the form posts without it and falls under
// the stricter budget. Keyboard and screen readers: a labelled checkbox and a live status.
import { useEffect } from "react";
import type {} from "altcha/types/react";

let loaded: Promise<void> | undefined;

function loadWidget() {
  loaded ??= (async () => {
    await import("altcha/external");
    const g = globalThis as unknown as { $altcha?: { algorithms: Map<string, () => Worker> } };
    g.$altcha?.algorithms.set("PBKDF2/SHA-256", () => new Worker("/altcha/pbkdf2.js"));
  })();
  return loaded;
}

const CONFIGURATION = JSON.stringify({ hideFooter: true, hideLogo: true });

export function ProofOfWork() {
  useEffect(() => {
    void loadWidget();
  }, []);
  return (
    <div className="altcha-field">
      <altcha-widget challenge="/api/altcha" auto="onsubmit" name="altcha" configuration={CONFIGURATION} suppressHydrationWarning />
    </div>
  );
}
