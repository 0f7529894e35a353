import "server-only";
// The one entry of every /oidc/* endpoint and of /.well-known/openid-configuration: rate limits,
// the Latchkey session handed to the provider, the Web ↔ Node bridge, and never a 500 (a failure
// is answered 503 temporarily_unavailable). Signing out through an app also signs out of Latchkey;
// switching an app's sign-in to the account now signed in to Latchkey does not.
import { currentSession } from "@/lib/auth/current";
import { clearedSessionCookie, leadsToApp } from "./respond";
import { revokeSessionByToken } from "@/lib/auth/sessions";
import { audit } from "@/lib/audit";
import { env } from "@/lib/env";
import { provesTwoFactors } from "@/lib/factors/methods";
import { hit } from "@/lib/limits/store";
import { LIMITS, type KeyedLimit } from "@/lib/limits/catalogue";
import { ipFromHeaders } from "@/lib/request";
import { hasControlCharacters } from "@/lib/shared/text-input";
import { runNodeHandler } from "./bridge";
import { continuePage, errorPage, nothingToSignOutPage, switchAccountPage } from "./html";
import { getProvider, type LatchkeyState } from "./provider";

// oidc-provider refuses bodies over 56 KiB itself; this spares reading larger ones.
const MAX_BODY = 64 * 1024;
const RETRY_AFTER_ON_FAILURE = "5";

// The authorization resumed after the interaction (oidc-provider's `resume` route).
const isResume = (path: string) => /^\/oidc\/auth\/[^/]+$/.test(path);
const isAuthorize = (path: string) => path === "/oidc/auth" || isResume(path);
const END_SESSION = "/oidc/session/end";
const END_SESSION_CONFIRM = "/oidc/session/end/confirm";
// Marks the switch-account form (switchAccountPage): its sign-out ends the provider's session only.
const SWITCH_FIELD = "switch_account";
const isToken = (path: string) => path === "/oidc/token" || path === "/oidc/token/revocation";
// Endpoints that answer a browser with a page; the others answer apps with JSON.
const forBrowser = (path: string) => isAuthorize(path) || path.startsWith("/oidc/session/end");

function json(status: number, body: Record<string, string>, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function html(status: number, body: string, headers: Record<string, string> = {}) {
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers } });
}

function unavailable(path: string, retryAfter = RETRY_AFTER_ON_FAILURE, status = 503, description = "try again shortly") {
  const headers = { "retry-after": retryAfter };
  return forBrowser(path)
    ? html(status, errorPage("temporarily_unavailable", description), headers)
    : json(status, { error: "temporarily_unavailable", error_description: description }, headers);
}

/**
 * The key an app's requests count under, or null when `id` cannot name an app (control characters:
 * a NUL byte would fail in the store). Such a request still counts per IP, and oidc-provider answers
 * it invalid_client (the client adapter finds no app for it).
 */
const clientKey = (id: string | null | undefined): string | null => (id && !hasControlCharacters(id) ? id.slice(0, 200) : null);

/** The app named by a token request: HTTP Basic credentials or client_id in the form. */
function clientIdOf(headers: Headers, form: URLSearchParams | null): string | null {
  const basic = /^Basic\s+([A-Za-z0-9+/=._~-]+)$/i.exec(headers.get("authorization") ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const id = decoded.split(":")[0];
    if (id) {
      try {
        return clientKey(decodeURIComponent(id));
      } catch {
        return clientKey(id);
      }
    }
  }
  return clientKey(form?.get("client_id"));
}

/** A refusal when a limit is reached, or null. The store never fails open (lib/rate-limit.ts). */
async function rateLimit(request: Request, path: string, body: Buffer | undefined): Promise<Response | null> {
  const ip = ipFromHeaders(request.headers, env().LATCHKEY_TRUST_PROXY);
  const checks: KeyedLimit[] = [];
  if (isAuthorize(path)) {
    const clientId = clientKey(
      new URL(request.url).searchParams.get("client_id") ?? (body ? new URLSearchParams(body.toString("utf8")).get("client_id") : null),
    );
    if (ip) checks.push(LIMITS.oidcAuthorizePerIp(ip));
    if (clientId) checks.push(LIMITS.oidcAuthorizePerClient(clientId));
  } else if (isToken(path)) {
    const form =
      body && /application\/x-www-form-urlencoded/i.test(request.headers.get("content-type") ?? "") ? new URLSearchParams(body.toString("utf8")) : null;
    const clientId = clientIdOf(request.headers, form);
    if (ip) checks.push(LIMITS.oidcTokenPerIp(ip));
    if (clientId) checks.push(LIMITS.oidcTokenPerClient(clientId));
  }
  for (const limit of checks) {
    const r = await hit(limit);
    if (!r.success) {
      const retry = String(Math.max(1, Math.ceil((r.resetAt.getTime() - Date.now()) / 1000)));
      // At the authorization endpoint the redirect_uri is not checked yet: a page, never a redirect.
      return unavailable(path, retry, 429, "too many requests");
    }
  }
  return null;
}

/** Route handler body for GET, POST and OPTIONS of /oidc/[...path] and the discovery document. */
export async function handleOidc(request: Request): Promise<Response> {
  const { baseUrl } = env();
  const { pathname, search } = new URL(request.url);
  try {
    let body: Buffer | undefined;
    if (request.method !== "GET" && request.method !== "HEAD") {
      if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY) {
        return json(413, { error: "invalid_request", error_description: "request body too large" });
      }
      body = Buffer.from(await request.arrayBuffer());
      if (body.length > MAX_BODY) return json(413, { error: "invalid_request", error_description: "request body too large" });
    }
    const limited = await rateLimit(request, pathname, body);
    if (limited) return limited;

    // Only the authorization and sign-out steps look at the Latchkey session.
    const needsSession = isAuthorize(pathname) || pathname === END_SESSION_CONFIRM;
    const current = needsSession ? await currentSession() : null;
    const latchkey: LatchkeyState = current
      ? { userId: current.user.id, token: current.token, twoFactors: provesTwoFactors(current.session.method, Boolean(current.session.secondFactorAt)) }
      : null;
    const after: Array<Promise<unknown>> = [];
    const { callback } = await getProvider();
    const response = await runNodeHandler(callback, request, body, {
      secure: baseUrl.startsWith("https:"),
      // Routed on the path only; the host and scheme are the configured base URL's, never the request's.
      url: `${baseUrl}${pathname}${search}`,
      decorate: (req) => {
        Object.assign(req, { latchkey, after });
      },
    });
    await Promise.allSettled(after);
    if (response.status >= 500) return unavailable(pathname);
    let answer = response;
    if (request.method === "GET" && isResume(pathname) && response.status === 200 && /^text\/html\b/i.test(response.headers.get("content-type") ?? "")) {
      answer = await switchAccount(response, `${baseUrl}${END_SESSION_CONFIRM}`, pathname.slice("/oidc/auth/".length));
    } else if (
      request.method === "GET" &&
      pathname === END_SESSION &&
      response.status === 200 &&
      /^text\/html\b/i.test(response.headers.get("content-type") ?? "")
    ) {
      answer = await nothingToSignOut(response, `${baseUrl}${END_SESSION_CONFIRM}`);
    }
    const form = pathname === END_SESSION_CONFIRM && body ? new URLSearchParams(body.toString("utf8")) : null;
    if (current && response.status === 303 && form?.get("logout") === "yes" && !switchesAccount(form, response, baseUrl)) {
      answer = await signOutOfLatchkey(response, current.token, current.user.id);
    }
    return request.method === "POST" && pathname.startsWith("/oidc/session/end") ? continueAfterForm(answer) : answer;
  } catch (err) {
    console.error("[oidc]", pathname, err);
    return unavailable(pathname);
  }
}

/**
 * A form on one of Latchkey's pages (the sign-out confirmation) answered with a redirect to an app:
 * the same answer as a continue page, its cookies kept (see continuePage).
 */
function continueAfterForm(response: Response): Response {
  const location = response.headers.get("location");
  if (response.status < 300 || response.status >= 400 || !location || !leadsToApp(location)) return response;
  const headers = new Headers(response.headers);
  headers.delete("location");
  headers.delete("content-length");
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set("cache-control", "no-store");
  return new Response(continuePage(location), { status: 200, headers });
}

/**
 * The resumed authorization found the provider's session signed in as another account than the one
 * the interaction just signed in (the person signed in to Latchkey as someone else meanwhile).
 * oidc-provider then answers with a page whose inline script posts a form to the sign-out
 * confirmation (xsrf, logout=yes), which the site's Content-Security-Policy would stop: a blank
 * page. That form, and only that one, is answered instead with a Latchkey page posting the same
 * fields with a button (and SWITCH_FIELD). Any other page passes unchanged.
 */
function switchAccount(response: Response, action: string, uid: string): Promise<Response> {
  return replaceSelfSubmitting(response, action, async (fields) => switchAccountPage(action, [...fields, [SWITCH_FIELD, "yes"]], await appNameOf(uid)));
}

/** oidc-provider's self-submitting page posting to `action`, answered with `render`'s page instead; any other answer unchanged. */
async function replaceSelfSubmitting(
  response: Response,
  action: string,
  render: (fields: Array<[string, string]>) => string | Promise<string>,
): Promise<Response> {
  const text = await response.text();
  const fields = selfSubmittingForm(text, action);
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  if (!fields) return new Response(text, { status: response.status, headers });
  headers.set("content-type", "text/html; charset=utf-8");
  headers.set("cache-control", "no-store");
  return new Response(await render(fields), { status: 200, headers });
}

/**
 * An app's sign-out on a browser whose provider session holds no account: oidc-provider answers
 * with its self-submitting confirmation (logout=yes), stopped by the CSP; a Latchkey page posts the
 * same form with a button, without logout=yes. Its own sign-out page (an account signed in) and
 * any other page pass unchanged.
 */
function nothingToSignOut(response: Response, action: string): Promise<Response> {
  return replaceSelfSubmitting(response, action, (fields) =>
    nothingToSignOutPage(
      action,
      fields.filter(([name]) => name !== "logout"),
    ),
  );
}

/** The name of the app an authorization in progress is for; undefined when it cannot be told. */
async function appNameOf(uid: string): Promise<string | undefined> {
  try {
    const { provider } = await getProvider();
    const interaction = await provider.Interaction.find(uid);
    const client = interaction ? await provider.Client.find(String(interaction.params.client_id ?? "")) : undefined;
    return client ? (client.clientName ?? client.clientId) : undefined;
  } catch (err) {
    console.error("[oidc] switch account: app name", err);
    return undefined;
  }
}

/**
 * Whether a sign-out confirmation comes from the switch-account page: the form says so, and the
 * provider's answer goes back into an authorization on this site (the resume address oidc-provider
 * itself set as the way on, never an app's). The Latchkey session then stays: it is the account the
 * app switches to.
 */
function switchesAccount(form: URLSearchParams, response: Response, baseUrl: string): boolean {
  if (form.getAll(SWITCH_FIELD).join() !== "yes") return false;
  const to = URL.parse(response.headers.get("location") ?? "", baseUrl);
  return to !== null && to.origin === new URL(baseUrl).origin && isResume(to.pathname);
}

/**
 * The hidden fields of oidc-provider's self-submitting page when it is the one form posting
 * logout=yes with an xsrf token to `action`, every field hidden and named once; null for any other
 * document. Read tag by tag (attributes unescaped), never by matching the page as a whole.
 */
function selfSubmittingForm(html: string, action: string): Array<[string, string]> | null {
  const tags = tagsOf(html);
  if (!tags) return null;
  const forms = tags.filter((t) => t.name === "form");
  const start = tags.findIndex((t) => t.name === "form" && !t.closing);
  const end = tags.findIndex((t) => t.name === "form" && t.closing);
  if (forms.length !== 2 || start < 0 || end < start) return null;
  const form = tags[start]!.attrs;
  if (form.get("method")?.toLowerCase() !== "post" || form.get("action") !== action) return null;
  const fields: Array<[string, string]> = [];
  for (const t of tags.slice(start + 1, end)) {
    if (t.closing || t.name !== "input") continue;
    const name = t.attrs.get("name");
    if (t.attrs.get("type")?.toLowerCase() !== "hidden" || !name) return null;
    fields.push([name, t.attrs.get("value") ?? ""]);
  }
  const value = (name: string) => fields.find(([n]) => n === name)?.[1];
  const names = new Set(fields.map(([n]) => n));
  if (names.size !== fields.length || names.has(SWITCH_FIELD) || !value("xsrf") || value("logout") !== "yes") return null;
  return fields;
}

type Tag = { name: string; closing: boolean; attrs: Map<string, string> };

const TAG = /<(\/?)([a-z][a-z0-9-]*)((?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?)*)\s*\/?>/iy;
const ATTRIBUTE = /\s+([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>=`]+)))?/g;
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos));/gi;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

const unescape = (v: string) =>
  v.replace(ENTITY, (_, dec?: string, hex?: string, named?: string) =>
    named ? NAMED[named.toLowerCase()]! : String.fromCodePoint(Math.min(Number.parseInt(dec ?? hex!, dec ? 10 : 16), 0x10ffff)),
  );

/** The tags of a document in order (comments, the doctype and the text of scripts and styles skipped); null when one is malformed. */
function tagsOf(html: string): Tag[] | null {
  const tags: Tag[] = [];
  let i = html.indexOf("<");
  while (i >= 0) {
    if (html.startsWith("<!--", i)) {
      const close = html.indexOf("-->", i + 4);
      if (close < 0) return null;
      i = html.indexOf("<", close + 3);
      continue;
    }
    if (html.startsWith("<!", i)) {
      const close = html.indexOf(">", i);
      if (close < 0) return null;
      i = html.indexOf("<", close + 1);
      continue;
    }
    TAG.lastIndex = i;
    const m = TAG.exec(html);
    if (!m) return null;
    const name = m[2]!.toLowerCase();
    const attrs = new Map<string, string>();
    for (const a of m[3]!.matchAll(ATTRIBUTE)) {
      const key = a[1]!.toLowerCase();
      // As browsers do: the first of a repeated attribute counts.
      if (!attrs.has(key)) attrs.set(key, unescape(a[2] ?? a[3] ?? a[4] ?? ""));
    }
    tags.push({ name, closing: m[1] === "/", attrs });
    let next = TAG.lastIndex;
    if (!m[1] && (name === "script" || name === "style")) {
      const close = html.toLowerCase().indexOf(`</${name}`, next);
      if (close < 0) return null;
      next = close;
    }
    i = html.indexOf("<", next);
  }
  return tags;
}

/** "Sign out of Latchkey" on the app's sign-out page: the Latchkey session ends with the provider's. */
async function signOutOfLatchkey(response: Response, token: string, userId: string): Promise<Response> {
  await revokeSessionByToken(token);
  await audit({ action: "signout", userId, actorId: userId, detail: { via: "oidc" } });
  const headers = new Headers(response.headers);
  headers.append("set-cookie", clearedSessionCookie());
  return new Response(response.body, { status: response.status, headers });
}
