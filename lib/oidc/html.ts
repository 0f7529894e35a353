import "server-only";
// The few pages oidc-provider itself answers with (errors it must show instead of redirecting, the
// sign-out confirmation, too many requests): small, self-contained HTML in Latchkey's look.

const esc = (v: unknown) => String(v ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
*{box-sizing:border-box}body{margin:0;background:#f8fafc;color:#0f172a;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.wrap{display:flex;min-height:100vh;flex-direction:column;align-items:center;padding:40px 16px}
.brand{margin-bottom:32px;font-size:1.25rem;font-weight:700;color:#0f172a;text-decoration:none}
main{width:100%;max-width:28rem;border:1px solid #e2e8f0;border-radius:12px;background:#fff;padding:24px 24px 28px;box-shadow:0 1px 2px rgba(0,0,0,.05)}
h1{margin:0 0 8px;font-size:1.5rem;font-weight:600}p{margin:0 0 16px;color:#334155;font-size:.95rem}
.detail{font-size:.8rem;color:#475569;word-break:break-word}
.actions{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px}
button,.button{display:inline-block;border-radius:6px;padding:10px 18px;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
.primary{border:1px solid #1d4ed8;background:#1d4ed8;color:#fff}.primary:hover{background:#1e40af}
.secondary{border:1px solid #cbd5e1;background:#fff;color:#0f172a}.secondary:hover{background:#f1f5f9}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}`;

/** A complete page: Latchkey's header link and one card with `body` (already escaped HTML). */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="same-origin"><title>${esc(title)} · Latchkey</title><style>${STYLE}</style></head><body><div class="wrap"><a class="brand" href="/">Latchkey</a><main id="main">${body}</main></div></body></html>`;
}

// What each error a browser can land on means for the person, in Latchkey's words.
const EXPLAIN: Record<string, { title: string; text: string }> = {
  invalid_client: { title: "This app cannot sign in here", text: "The app that sent you is not registered with Latchkey, or it has been turned off. Contact the app's owner." },
  invalid_redirect_uri: {
    title: "This sign-in link cannot be used",
    text: "The app asked Latchkey to send you to an address that is not registered for it. For your safety, you were not sent there.",
  },
  invalid_request: { title: "This link cannot be used", text: "The app sent an incomplete or malformed request. Go back to the app and try again." },
  session_not_found: { title: "This sign-in request has expired", text: "It was already finished, or it waited too long. Go back to the app and start again." },
  temporarily_unavailable: { title: "Latchkey is busy", text: "Too many requests came in at once. Wait a moment, then go back to the app and try again." },
};

/** The page for an error that cannot go back to the app (the app or its redirect address is not trusted). */
export function errorPage(error: string, description?: string): string {
  const known = EXPLAIN[error] ?? { title: "Sign-in could not continue", text: "Go back to the app and try again." };
  return page(
    known.title,
    `<h1>${esc(known.title)}</h1><p>${esc(known.text)}</p><p class="detail">Error: ${esc(error)}${description ? ` — ${esc(description)}` : ""}</p><div class="actions"><a class="button secondary" href="/">Go to Latchkey</a></div>`,
  );
}

/** "Sign out?" — embeds oidc-provider's form (it carries the xsrf token); `logout=yes` ends the Latchkey session too. */
export function logoutPage(form: string, clientName: string | undefined): string {
  const from = clientName ? `You are signing out of ${esc(clientName)}. ` : "";
  return page(
    "Sign out",
    `<h1>Sign out?</h1><p>${from}Do you also want to sign out of Latchkey on this device?</p>${form}<div class="actions"><button class="primary" type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out of Latchkey</button><button class="secondary" type="submit" form="op.logoutForm">Stay signed in to Latchkey</button></div>`,
  );
}
