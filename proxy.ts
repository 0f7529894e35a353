// Runs only for the requests that need it (see `config.matcher`): every page rendered on request gets
// its Content-Security-Policy with a fresh nonce and, on an https site, Strict-Transport-Security;
// state-changing requests (server actions, form posts, route handlers) are refused unless they come
// from this site's own pages (B5), carry a body under the size cap and, when multipart, one that
// parses. The prerendered home page is not seen here: its policy is a fixed header (next.config.mjs,
// hashes written by scripts/csp-hashes.mjs). Real access checks live in lib/auth/guards.ts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, EMAIL_PREVIEW_POLICY, newNonce, STRICT_TRANSPORT_SECURITY } from "@/lib/csp";
import { env } from "@/lib/env";
import { sameSiteOrigin } from "@/lib/origin";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
// OpenID Provider endpoints that other sites call (apps' servers with no Origin, browser apps with
// their own, an app's form post to start a sign-in or a sign-out): oidc-provider authenticates these
// requests itself (client secret, PKCE, tokens) and answers CORS by the app's redirect URIs.
const CROSS_SITE_POST = new Set(["/oidc/auth", "/oidc/token", "/oidc/token/revocation", "/oidc/me", "/oidc/session/end"]);
// No form or API request of the app comes near this; larger bodies (a 1 MB "password") are refused
// here with a 413 instead of reaching Next's server-action body limit, which answers with a 500.
const MAX_BODY_BYTES = 256 * 1024;

/** Pages prerendered at build time and the hashes of their inline scripts (scripts/csp-hashes.mjs). */
function loadStaticPages(): Record<string, string[]> {
  if (process.env.NODE_ENV !== "production") return {};
  const file = path.join(process.cwd(), process.env.NEXT_DIST_DIR || ".next", "csp-static-pages.json");
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, string[]>;
  } catch {
    console.error(`latchkey: ${file} is missing: build with \`npm run build\` so prerendered pages get their script hashes`);
    return {};
  }
}
const staticPages = loadStaticPages();

/** The page's CSP (and HSTS) on the response, and the nonce on the request so Next stamps its scripts. */
function secured(request: NextRequest, headers: Headers): NextResponse {
  const e = env();
  const https = e.baseUrl.startsWith("https://");
  const hashes = request.method === "GET" || request.method === "HEAD" ? staticPages[request.nextUrl.pathname] : undefined;
  const nonce = hashes ? null : newNonce();
  const csp = /^\/dev\/outbox\/\d+\/html$/.test(request.nextUrl.pathname)
    ? EMAIL_PREVIEW_POLICY
    : contentSecurityPolicy({ nonce, hashes, development: e.NODE_ENV === "development", https });
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  if (https) response.headers.set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
  return response;
}

export async function proxy(request: NextRequest) {
  // Always overwritten: a client-sent CSP request header never chooses the nonce.
  const headers = new Headers(request.headers);
  if (SAFE.has(request.method)) return secured(request, headers);
  if (CROSS_SITE_POST.has(request.nextUrl.pathname)) {
    if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return NextResponse.json({ error: "Request too large" }, { status: 413 });
    return NextResponse.next();
  }
  const origin = sameSiteOrigin(request.headers.get("origin"), request.headers.get("host"), env().baseUrl);
  if (!origin) {
    // A plain 403 before Next's own server-action check, which would otherwise answer with a 500.
    return NextResponse.json({ error: "Cross-origin request refused" }, { status: 403 });
  }
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    return NextResponse.json({ error: "Request too large" }, { status: 413 });
  }
  if ((request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    // Next's own parser throws on a body that is not multipart ("Failed to parse body as FormData",
    // "Unexpected end of form"), which becomes a 500: the same parser here turns it into a 400.
    try {
      await request.clone().formData();
    } catch {
      return NextResponse.json({ error: "Malformed form data" }, { status: 400 });
    }
  }
  // Next repeats the Origin check for server actions against X-Forwarded-Host, which a client can
  // forge (a 500 otherwise); the origin is verified above, so that is what the request carries on.
  headers.set("x-forwarded-host", origin.host);
  return secured(request, headers);
}

// The proxy runs for the documents that need a nonce and for anything that can change state: every
// browser POST (and PUT, PATCH, DELETE, and a cross-origin fetch) carries an Origin, every body a
// Content-Type and a Content-Length. A GET or HEAD without them does not need it: the prerendered home
// page ("/", left out by `.+`; scripts/csp-hashes.mjs fails the build if it stops being prerendered),
// /api (JSON only), client-side navigations and prefetches (RSC requests), build assets and the worker
// script. The matcher cannot test the method; a GET that carries one of these headers still passes
// through, which costs time, never safety. Values must be literals (tests/unit/proxy.test.ts).
export const config = {
  matcher: [
    { source: "/((?!_next/static|_next/image|favicon\\.ico|altcha/|api/).+)", missing: [{ type: "header", key: "rsc" }] },
    { source: "/((?!_next/static|_next/image|favicon\\.ico|altcha/).*)", has: [{ type: "header", key: "origin" }] },
    { source: "/((?!_next/static|_next/image|favicon\\.ico|altcha/).*)", has: [{ type: "header", key: "content-type" }] },
    { source: "/((?!_next/static|_next/image|favicon\\.ico|altcha/).*)", has: [{ type: "header", key: "content-length" }] },
  ],
};
