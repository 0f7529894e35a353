// The Content-Security-Policy of every page (B5): a per-request nonce with 'strict-dynamic' for pages
// rendered on request, the hashes of the inline scripts for pages prerendered at build time
// (scripts/csp-hashes.mjs writes them), and the fixed directives that hold either way.
// Pure: imported by proxy.ts.

export type CspOptions = {
  /** The nonce of this response (a page rendered on request), or null for a prerendered page. */
  nonce: string | null;
  /** sha256-… sources of a prerendered page's inline scripts. */
  hashes?: readonly string[];
  /** `next dev` needs eval (React's debugging) and inline styles (hot reload). */
  development?: boolean;
  /** Only on an https:// site: plain-http installs on a LAN must keep working. */
  https?: boolean;
};

export function contentSecurityPolicy(o: CspOptions): string {
  const scripts = o.nonce ? [`'nonce-${o.nonce}'`, "'strict-dynamic'"] : ["'self'", ...(o.hashes ?? []).map((h) => `'${h}'`)];
  if (o.development) scripts.push("'unsafe-eval'");
  const directives = [
    "default-src 'self'",
    `script-src ${scripts.join(" ")}`,
    `style-src 'self'${o.development ? " 'unsafe-inline'" : ""}`,
    // QR codes of the authenticator-app set-up are data: URLs.
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    // The proof-of-work widget solves in a worker served by this site.
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (o.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/**
 * The HTML version of an email in the development outbox, shown in a sandboxed frame of /dev/outbox:
 * its inline styles apply, nothing else loads or runs, and only this site may frame it.
 */
export const EMAIL_PREVIEW_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

/** Two years, this host and its subdomains: sent whenever the site's base URL is https. */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/** 128 random bits, base64: what Next accepts as a nonce. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
