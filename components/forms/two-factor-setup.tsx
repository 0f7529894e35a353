// Pieces shared by the security tab and the verify page when a second factor is set up.

/** The 10 recovery codes, shown once right after they are made. */
export function RecoveryCodesList({ codes }: { codes: string[] }) {
  return (
    <div role="status" className="rounded-md border border-green-300 bg-green-50 p-4">
      <p className="font-semibold text-green-950">Save your recovery codes</p>
      <p className="text-sm text-green-950">Each code works once, if you lose your other methods. They will not be shown again.</p>
      <ul aria-label="Recovery codes" className="mt-2 grid grid-cols-2 gap-1 font-mono text-sm">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
    </div>
  );
}

/** The authenticator app's QR code and its key as text, above the form that confirms a code. */
export function TotpSecret({ qrDataUrl, secret }: { qrDataUrl: string; secret: string }) {
  return (
    <>
      <p className="text-sm">Scan this QR code with your authenticator app, or type the key by hand.</p>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server; next/image cannot optimise it */}
      <img src={qrDataUrl} alt="QR code for your authenticator app" width={180} height={180} className="rounded border border-slate-200" />
      <p className="text-sm">
        Key: <code data-testid="totp-secret" className="break-all rounded bg-slate-100 px-1 font-mono">{secret}</code>
      </p>
    </>
  );
}
