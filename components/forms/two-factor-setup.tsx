"use client";
// Pieces shared by the security tab and the verify page when a second factor is set up.
import { useState } from "react";
import { useHydrated } from "./password-field";

const toolButton =
  "inline-flex min-h-10 items-center justify-center rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100";

/** Copies `text` to the clipboard; shown once the page runs (the clipboard needs JavaScript). */
function CopyButton({ text, label }: { text: string; label: string }) {
  const hydrated = useHydrated();
  const [copied, setCopied] = useState(false);
  if (!hydrated) return null;
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 3000);
    } catch {
      setCopied(false);
    }
  }
  return (
    <button type="button" onClick={copy} className={toolButton}>
      {copied ? "Copied" : label}
      <span className="sr-only" aria-live="polite">
        {copied ? " to the clipboard" : ""}
      </span>
    </button>
  );
}

/**
 * The 10 recovery codes, shown once right after they are made: a tight monospace grid with Copy,
 * Download (.txt, works without JavaScript) and Print, and "I have saved these codes" to go on
 * (`onSaved`; the verify page's Continue says it instead).
 */
export function RecoveryCodesList({ codes, onSaved }: { codes: string[]; onSaved?: () => void }) {
  const hydrated = useHydrated();
  const text = `Latchkey recovery codes. Each works once.\n\n${codes.join("\n")}\n`;
  return (
    // print-area: Print puts only this box on paper (app/globals.css).
    <div role="status" className="print-area space-y-3 rounded-md border border-green-300 bg-green-50 p-4">
      <p className="font-semibold text-green-950">Save your recovery codes</p>
      <p className="text-sm text-green-950">Each code works once, if you lose your other methods. They will not be shown again.</p>
      <ul
        aria-label="Recovery codes"
        className="grid w-fit grid-cols-2 gap-x-6 gap-y-1 rounded border border-green-200 bg-white px-4 py-3 font-mono text-sm text-slate-900"
      >
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <CopyButton text={codes.join("\n")} label="Copy" />
        <a href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`} download="latchkey-recovery-codes.txt" className={toolButton}>
          Download (.txt)
        </a>
        {hydrated ? (
          <button type="button" onClick={() => window.print()} className={toolButton}>
            Print
          </button>
        ) : null}
      </div>
      {onSaved ? (
        <button
          type="button"
          onClick={onSaved}
          className="inline-flex min-h-10 items-center justify-center rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
        >
          I have saved these codes
        </button>
      ) : null}
    </div>
  );
}

/** The authenticator app's QR code and its key as text (in groups of four, with Copy), above the form that confirms a code. */
export function TotpSecret({ qrDataUrl, secret }: { qrDataUrl: string; secret: string }) {
  const groups = secret.match(/.{1,4}/g) ?? [secret];
  return (
    <>
      <p className="text-sm">Scan this QR code with your authenticator app, or type the key by hand.</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server; next/image cannot optimise it */}
      <img src={qrDataUrl} alt="QR code for your authenticator app" width={180} height={180} className="rounded border border-slate-200" />
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span>Key:</span>
        {/* The groups are spaced by a gap, not spaces: the key reads and copies as one word, and wraps on a phone. */}
        <code data-testid="totp-secret" className="flex max-w-full flex-wrap gap-x-2 rounded bg-slate-100 px-2 py-1 font-mono text-base">
          {groups.map((g, i) => (
            <span key={i}>{g}</span>
          ))}
        </code>
        <CopyButton text={secret} label="Copy key" />
      </div>
    </>
  );
}

/** Recovery codes just made: shown once, until "I have saved these codes" (or the next page). */
export function FreshRecoveryCodes({ codes }: { codes: string[] | undefined }) {
  const [saved, setSaved] = useState<string[] | undefined>();
  if (!codes?.length || saved === codes) return null;
  return <RecoveryCodesList codes={codes} onSaved={() => setSaved(codes)} />;
}
