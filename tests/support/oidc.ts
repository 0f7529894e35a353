// Drives Latchkey's OpenID Provider in-process for integration tests: requests go to the real route
// handlers (app/oidc/**, the discovery route) the way Next would call them, a Browser keeps cookies
// per path like a browser, and openid-client reaches the same handlers through its customFetch.
import * as client from "openid-client";
import { handleOidc } from "@/lib/oidc/route";
import { interactionStep, type Step } from "@/lib/oidc/interaction";
import { currentSession } from "@/lib/auth/current";
import { createSession } from "@/lib/auth/sessions";
import { sessionCookieName } from "@/lib/auth/cookie";
import { env } from "@/lib/env";
import { createClient } from "@/lib/oidc/clients";
import * as loginRoute from "@/app/oidc/interaction/[uid]/login/route";
import * as consentRoute from "@/app/oidc/interaction/[uid]/consent/route";
import * as stepUpRoute from "@/app/oidc/interaction/[uid]/step-up/route";
import * as reauthRoute from "@/app/oidc/interaction/[uid]/reauth/route";
import * as cancelRoute from "@/app/oidc/interaction/[uid]/cancel/route";
import { jar, requestHeaders } from "./cookie-jar";

export const ISSUER = () => env().baseUrl;

type PostRoute = { POST: (r: Request, c: { params: Promise<{ uid: string }> }) => Promise<Response> };
const POSTS: Record<string, PostRoute> = { login: loginRoute, consent: consentRoute, "step-up": stepUpRoute, reauth: reauthRoute, cancel: cancelRoute };

/** One request as Next would hand it to the app: next/headers sees its cookies and headers. */
export async function dispatch(request: Request): Promise<Response> {
  jar.clear();
  for (const part of (request.headers.get("cookie") ?? "").split(/;\s*/)) {
    const i = part.indexOf("=");
    if (i > 0) jar.set(part.slice(0, i), part.slice(i + 1));
  }
  for (const k of [...requestHeaders.keys()]) requestHeaders.delete(k);
  request.headers.forEach((v, k) => requestHeaders.set(k, v));
  const { pathname } = new URL(request.url);
  let m: RegExpExecArray | null;
  if ((m = /^\/oidc\/interaction\/([^/]+)$/.exec(pathname)) && request.method === "GET") {
    // The page, as data: what it would render (or the sign-in it would redirect to).
    const step = await interactionStep(request.headers, decodeURIComponent(m[1]!), await currentSession());
    return Response.json(step);
  }
  if ((m = /^\/oidc\/interaction\/([^/]+)\/([a-z-]+)$/.exec(pathname)) && request.method === "POST" && POSTS[m[2]!]) {
    return POSTS[m[2]!]!.POST(request, { params: Promise.resolve({ uid: decodeURIComponent(m[1]!) }) });
  }
  if (pathname === "/.well-known/openid-configuration" || pathname.startsWith("/oidc/")) return handleOidc(request);
  return new Response("not found", { status: 404 });
}

/** fetch() for openid-client, answered in-process. */
export const inProcessFetch: client.CustomFetch = async (url, options) =>
  dispatch(new Request(url, { method: options.method, headers: options.headers, body: options.body as BodyInit | undefined, redirect: options.redirect }));

type Cookie = { name: string; value: string; path: string };

/** A browser: cookies by name and path, redirects followed until the app's redirect URI. */
export class Browser {
  cookies: Cookie[] = [];

  cookieHeader(url: URL) {
    return this.cookies
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`) || c.path === "/")
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }

  store(url: URL, response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(/;\s*/);
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      const pathAttr = attrs.find((a) => /^path=/i.test(a));
      const path = pathAttr ? pathAttr.slice(5) : url.pathname.replace(/\/[^/]*$/, "") || "/";
      const expired = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now()));
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired && value !== "") this.cookies.push({ name, value, path });
    }
  }

  /** A request of this browser; a form post carries this site's Origin unless `origin` says otherwise (null: none, as from a server). */
  async request(url: string | URL, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; origin?: string | null } = {}) {
    const u = new URL(url, ISSUER());
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(u);
    if (cookie) headers.set("cookie", cookie);
    if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      if (init.origin !== null) headers.set("origin", init.origin ?? ISSUER());
    }
    const response = await dispatch(
      new Request(u, { method: init.method ?? (init.form ? "POST" : "GET"), headers, body: init.form ? new URLSearchParams(init.form).toString() : undefined }),
    );
    this.store(u, response);
    return { url: u, response };
  }

  /** Follows redirects (and a page's meta refresh, as a browser does) from `url` until a page answers or the app's `stopAt` is reached. */
  async follow(first: { url: URL; response: Response }, stopAt: string) {
    let { url, response } = first;
    for (let i = 0; i < 20; i++) {
      const location = response.headers.get("location") ?? (await metaRefresh(response));
      if (!(((response.status >= 300 && response.status < 400) || response.status === 200) && location)) return { url, response };
      url = new URL(location, url);
      if (url.href.startsWith(stopAt) || url.origin !== new URL(ISSUER()).origin) return { url, response: null };
      ({ url, response } = await this.request(url));
    }
    throw new Error("too many redirects");
  }

  /** Signs this browser in to Latchkey as the lib's sign-in would (a session row, its token in the cookie). */
  async signIn(userId: string, opts: { method?: string; secondFactor?: boolean } = {}) {
    const token = await createSession(userId, { method: opts.method ?? "password", secondFactor: opts.secondFactor });
    const name = sessionCookieName();
    this.cookies = this.cookies.filter((c) => c.name !== name);
    this.cookies.push({ name, value: token, path: "/" });
    return token;
  }

  signOut() {
    this.cookies = this.cookies.filter((c) => c.name !== sessionCookieName());
  }
}

/** The target of a page's `<meta http-equiv="refresh">`, or null (the response stays readable). */
async function metaRefresh(response: Response): Promise<string | null> {
  if (response.status !== 200 || !(response.headers.get("content-type") ?? "").includes("text/html")) return null;
  const m = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(await response.clone().text());
  return m ? m[1]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))) : null;
}

export const RP = "https://rp.example/callback";
export const RP_BYE = "https://rp.example/bye";

/** Registers an app the way the Manager app does. */
export async function registerApp(overrides: Record<string, unknown> = {}) {
  return createClient(
    {
      name: "Example app",
      type: "confidential",
      redirectUris: RP,
      postLogoutRedirectUris: RP_BYE,
      allowedScopes: ["openid", "profile", "email", "phone", "offline_access"],
      ...overrides,
    },
    null,
  );
}

/** openid-client's view of the provider for an app (discovery through the in-process fetch). */
export async function rpConfig(clientId: string, secret: string | null, opts: { alg?: string; auth?: client.ClientAuth } = {}) {
  const metadata: Partial<client.ClientMetadata> = {
    ...(secret ? { client_secret: secret } : {}),
    ...(opts.alg ? { id_token_signed_response_alg: opts.alg } : {}),
  };
  const auth = opts.auth ?? (secret ? client.ClientSecretBasic(secret) : client.None());
  return client.discovery(new URL(ISSUER()), clientId, metadata, auth, { execute: [client.allowInsecureRequests], [client.customFetch]: inProcessFetch });
}

export type Flow = { callback: URL; verifier: string; state: string; nonce: string; steps: Step["kind"][] };

/**
 * Starts an authorization in `browser` and walks the interaction until the app's redirect URI:
 * signing in when asked (`signIn`), continuing, consenting (`consent`). Returns the callback URL.
 */
export async function authorize(
  browser: Browser,
  config: client.Configuration,
  opts: {
    redirectUri?: string;
    params?: Record<string, string>;
    pkce?: boolean;
    consent?: "allow" | "deny";
    signIn?: () => Promise<unknown>;
    stopAt?: Step["kind"];
  } = {},
): Promise<Flow & { stoppedAt?: Step; page?: Response }> {
  const redirectUri = opts.redirectUri ?? RP;
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid profile email phone",
    state,
    nonce,
    ...(opts.pkce === false ? {} : { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" }),
    ...opts.params,
  });
  const steps: Step["kind"][] = [];
  let at = await browser.follow(await browser.request(url), redirectUri);
  for (let i = 0; i < 12; i++) {
    if (!at.response) return { callback: at.url, verifier, state, nonce, steps };
    const m = /^\/oidc\/interaction\/([^/]+)$/.exec(at.url.pathname);
    if (!m) return { callback: at.url, verifier, state, nonce, steps, page: at.response };
    const uid = m[1]!;
    const step = (await at.response.json()) as Step;
    steps.push(step.kind);
    if (opts.stopAt === step.kind) return { callback: at.url, verifier, state, nonce, steps, stoppedAt: step };
    const post = (to: string, form: Record<string, string> = {}) => browser.request(`/oidc/interaction/${uid}/${to}`, { form });
    switch (step.kind) {
      case "sign_in":
        if (!opts.signIn) throw new Error("the flow asks to sign in, and the test gave no signIn");
        await opts.signIn();
        at = await browser.follow(await browser.request(`/oidc/interaction/${uid}`), redirectUri);
        break;
      case "continue":
        at = await browser.follow(await post("login"), redirectUri);
        break;
      case "consent":
        at = await browser.follow(await post("consent", { decision: opts.consent ?? "allow" }), redirectUri);
        break;
      default:
        return { callback: at.url, verifier, state, nonce, steps, stoppedAt: step };
    }
  }
  throw new Error("too many interaction steps");
}

/** The whole sign-in: authorization, then the code exchanged for tokens. */
export async function signInToApp(browser: Browser, config: client.Configuration, opts: Parameters<typeof authorize>[2] = {}) {
  const flow = await authorize(browser, config, opts);
  if (flow.stoppedAt || flow.page) throw new Error(`the flow stopped at ${JSON.stringify(flow.stoppedAt ?? flow.page?.status)}`);
  const tokens = await client.authorizationCodeGrant(config, flow.callback, {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
  });
  return { ...flow, tokens };
}

/** The OAuth error code of a rejected openid-client call (a 401 challenge carries it in its parameters). */
export async function oauthError(p: Promise<unknown>): Promise<{ error: string; status?: number; description?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; cause?: Array<{ parameters: { error: string } }>; error?: string; status?: number; error_description?: string };
    const error = err.code === "OAUTH_WWW_AUTHENTICATE_CHALLENGE" ? err.cause![0]!.parameters.error : (err.error ?? err.code ?? String(e));
    return { error, status: err.status, description: err.error_description };
  }
  throw new Error("expected an OAuth error");
}
