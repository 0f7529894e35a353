// HTTP-level helpers of the attack specs: capture a server action as the real form sends it, then
// replay it as an attacker would (another Origin, no Origin, other cookies, other fields).
import { expect, type APIRequestContext, type APIResponse, type BrowserContext, type Page, type Request } from "@playwright/test";
import { BASE_URL } from "../e2e/helpers";

export const EVIL = "https://evil.example";

export type CapturedAction = { url: string; headers: Record<string, string>; body: Buffer };

/**
 * Runs `trigger` (which submits a form) and captures the server-action request it sends. With
 * `block`, the request never reaches the server (so a sign-out or a block can be replayed later).
 */
export async function captureAction(page: Page, trigger: () => Promise<unknown>, opts: { block?: boolean } = {}): Promise<CapturedAction> {
  let captured: Request | undefined;
  const isAction = (r: Request) => r.method() === "POST" && r.headers()["next-action"] !== undefined;
  if (opts.block) {
    await page.route("**/*", async (route) => {
      if (isAction(route.request()) && !captured) {
        captured = route.request();
        await route.abort();
      } else await route.fallback();
    });
  }
  // Before React has hydrated a form, a click posts it as a plain HTML form, which is not the
  // action request captured here (and, not blocked, would really run): wait until every form is live.
  await page.waitForFunction(() => [...document.forms].every((f) => Object.keys(f).some((k) => k.startsWith("__reactProps"))));
  const sent = page.waitForRequest(isAction);
  await trigger();
  const req = captured ?? (await sent);
  if (opts.block) await page.unrouteAll({ behavior: "ignoreErrors" });
  const headers = await req.allHeaders();
  return { url: req.url(), headers, body: req.postDataBuffer() ?? Buffer.alloc(0) };
}

/** The `name=value` pairs of a browser context's cookies, for a replay from another client. */
export async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies(BASE_URL)).map((c) => `${c.name}=${c.value}`).join("; ");
}

/**
 * Sends a captured action again. `origin: null` leaves the Origin header out; `cookie` replaces the
 * captured cookies ("" sends none); `fields` replaces the values of form fields in the multipart body.
 */
export async function replayAction(
  request: APIRequestContext,
  action: CapturedAction,
  opts: { origin?: string | null; cookie?: string; fields?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<APIResponse> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.headers)) {
    if (["content-length", "host", "origin", "cookie", "referer", "connection"].includes(k) || k.startsWith(":")) continue;
    headers[k] = v;
  }
  if (opts.origin !== null) headers.origin = opts.origin ?? new URL(BASE_URL).origin;
  const cookie = opts.cookie ?? action.headers.cookie;
  if (cookie) headers.cookie = cookie;
  Object.assign(headers, opts.headers ?? {});
  let body = action.body;
  if (opts.fields) body = withFields(body, headers["content-type"] ?? "", opts.fields);
  return request.fetch(action.url, { method: "POST", headers, data: body, maxRedirects: 0, timeout: 30_000 });
}

/** Replaces the values of text fields of a multipart/form-data body (each must be in the form). */
export function withFields(body: Buffer, contentType: string, fields: Record<string, string>): Buffer {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`not a multipart body: ${contentType}`);
  const parts = body.toString("latin1").split(`--${boundary}`);
  const out: string[] = [];
  const done = new Set<string>();
  for (const part of parts) {
    // React prefixes the fields of a form action ("_1_identifier"): match either spelling.
    const raw = /name="([^"]+)"/.exec(part)?.[1];
    const name = raw?.replace(/^_?\d+_/, "");
    if (name && name in fields) {
      const head = part.slice(0, part.indexOf("\r\n\r\n") + 4);
      out.push(`${head}${Buffer.from(fields[name]!, "utf8").toString("latin1")}\r\n`);
      done.add(name);
    } else out.push(part);
  }
  const missing = Object.keys(fields).filter((n) => !done.has(n));
  if (missing.length) throw new Error(`no field ${missing.join(", ")} in the captured form: ${body.toString("latin1").slice(0, 800)}`);
  return Buffer.from(out.join(`--${boundary}`), "latin1");
}

/** Session cookie names the app may use (plain on http, `__Host-` on https). */
export const SESSION_COOKIE = /^(__Host-)?latchkey\.session$/;

/** Set-Cookie lines of a response that set the session cookie (a value, not a deletion). */
export function sessionCookiesSet(res: APIResponse): string[] {
  return res
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => h.value)
    .filter((v) => SESSION_COOKIE.test(v.split("=")[0]!.trim()) && !/^[^=]+=;/.test(v) && !/Max-Age=0/i.test(v));
}

/** GET `path` without following redirects: where does it send this client? */
export async function landing(request: APIRequestContext, path: string, cookie?: string) {
  const res = await request.get(path, { maxRedirects: 0, headers: cookie ? { cookie } : {} });
  return { status: res.status(), location: res.headers()["location"] ?? null };
}

/** The page was refused to this client: a redirect to /login, or a 404. */
export function expectRefused(r: { status: number; location: string | null }, path: string) {
  const toLogin = r.status >= 300 && r.status < 400 && /\/login(\?|$)/.test(r.location ?? "");
  expect(toLogin || r.status === 404, `${path} answered ${r.status} ${r.location ?? ""}`).toBe(true);
}

/**
 * A proof of work as the form's widget would post it, for a fresh challenge of the server: a
 * captured one is spent by its first use, so each replay of an SMS form needs its own.
 */
export async function freshPow(request: APIRequestContext): Promise<string> {
  const { solveChallenge } = await import("altcha-lib");
  const { deriveKey } = await import("altcha-lib/algorithms/pbkdf2");
  const challenge = await (await request.get("/api/altcha")).json();
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error("could not solve the proof-of-work challenge");
  return Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
}
