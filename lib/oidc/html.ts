import "server-only";
// The few pages oidc-provider itself answers with (errors it must show instead of redirecting, the
// sign-out confirmation, switching an app to another account, too many requests): small,
// self-contained HTML in Latchkey's look.

const esc = (v: unknown) => String(v ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The look lives in public/oidc.css: the pages' Content-Security-Policy allows style sheets from this site only.

/** A complete page: Latchkey's header link and one card with `body` (already escaped HTML); `head` adds to its head. */
export function page(title: string, body: string, head = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="same-origin"><title>${esc(title)} · Latchkey</title><link rel="stylesheet" href="/oidc.css">${head}</head><body><div class="wrap"><a class="brand" href="/">Latchkey</a><main id="main">${body}</main></div></body></html>`;
}

// What each error a browser can land on means for the person, in Latchkey's words.
const EXPLAIN: Record<string, { title: string; text: string }> = {
  invalid_client: {
    title: "This app cannot sign in here",
    text: "The app that sent you is not registered with Latchkey, or it has been turned off. Contact the app's owner.",
  },
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

/** A form posting `fields` (hidden, escaped) to `action` with one "Continue" button: no script needed. */
function continueForm(action: string, fields: ReadonlyArray<readonly [string, string]>): string {
  const inputs = fields.map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`).join("");
  return `<form method="post" action="${esc(action)}">${inputs}<div class="actions"><button class="primary" type="submit" autofocus>Continue</button></div></form>`;
}

/**
 * "Switch account": the app's last sign-in on this browser (the provider's session) belongs to
 * another account than the one just signed in to Latchkey. The form posts `fields` (oidc-provider's
 * xsrf and logout) to `action`, the provider's sign-out confirmation, which ends that session and
 * goes back into the authorization. No script: form-action 'self' lets a button post it.
 */
export function switchAccountPage(action: string, fields: ReadonlyArray<readonly [string, string]>, appName: string | undefined): string {
  const app = appName ? esc(appName) : "this app";
  return page(
    "Switch account",
    `<h1>Switch account?</h1><p>The last sign-in to ${app} on this browser belonged to another account; continuing switches ${app} to the account you are signed in to Latchkey with now.</p>${continueForm(action, fields)}`,
  );
}

/**
 * An app's sign-out when this browser's provider session holds no account (nothing to sign out of):
 * oidc-provider would post its confirmation by script, which the CSP stops; a button posts the same
 * form (without logout=yes: there is no provider session to end, and the Latchkey session is not
 * the app's to end), and the confirmation goes back to the app.
 */
export function nothingToSignOutPage(action: string, fields: ReadonlyArray<readonly [string, string]>): string {
  return page(
    "Sign out",
    `<h1>Signed out</h1><p>This browser is not signed in to the app through Latchkey. Continue to go back to the app.</p>${continueForm(action, fields)}`,
  );
}

/**
 * "Continuing…": where a form's answer leads out of Latchkey (back into the authorization, then to
 * the app). The page's policy allows forms to post to this site only (form-action 'self', which
 * browsers apply to every redirect after a form), so the way on is a navigation of its own: a
 * refresh, with a link for browsers that do not follow it.
 */
export function continuePage(location: string): string {
  return page(
    "Continuing",
    `<h1>Continuing…</h1><p>One moment while you are taken back to the app.</p><div class="actions"><a class="button primary" href="${esc(location)}">Continue</a></div>`,
    `<meta http-equiv="refresh" content="0;url=${esc(location)}">`,
  );
}
