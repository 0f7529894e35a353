import "server-only";
// The one entry of every /oidc/* endpoint and of /.well-known/openid-configuration: rate limits,
// the Latchkey session handed to the provider, the Web ↔ Node bridge, and never a 500 (a failure
// is answered 503 temporarily_unavailable). Signing out through an app also signs out of Latchkey.
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
import { continuePage, errorPage } from "./html";
import { getProvider, type LatchkeyState } from "./provider";

// oidc-provider refuses bodies over 56 KiB itself; this spares reading larger ones.
const MAX_BODY = 64 * 1024;
const RETRY_AFTER_ON_FAILURE = "5";

const isAuthorize = (path: string) => path === "/oidc/auth" || /^\/oidc\/auth\/[^/]+$/.test(path);
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
    const needsSession = isAuthorize(pathname) || pathname === "/oidc/session/end/confirm";
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
    if (
      pathname === "/oidc/session/end/confirm" &&
      current &&
      response.status === 303 &&
      body &&
      new URLSearchParams(body.toString("utf8")).get("logout") === "yes"
    ) {
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

/** "Sign out of Latchkey" on the app's sign-out page: the Latchkey session ends with the provider's. */
async function signOutOfLatchkey(response: Response, token: string, userId: string): Promise<Response> {
  await revokeSessionByToken(token);
  await audit({ action: "signout", userId, actorId: userId, detail: { via: "oidc" } });
  const headers = new Headers(response.headers);
  headers.append("set-cookie", clearedSessionCookie());
  return new Response(response.body, { status: response.status, headers });
}
