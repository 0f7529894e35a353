// Runs before every route: refuses state-changing requests (server actions, form posts and route
// handlers alike) that do not come from this site's own pages (B5). Real access checks live in
// lib/auth/guards.ts; this is the Origin check only.
import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
// OpenID Provider endpoints that other sites call (apps' servers with no Origin, browser apps with
// their own, an app's form post to start a sign-in or a sign-out): oidc-provider authenticates these
// requests itself (client secret, PKCE, tokens) and answers CORS by the app's redirect URIs.
const CROSS_SITE_POST = new Set(["/oidc/auth", "/oidc/token", "/oidc/token/revocation", "/oidc/me", "/oidc/session/end"]);
// No form or API request of the app comes near this; larger bodies (a 1 MB "password") are refused
// here with a 413 instead of reaching Next's server-action body limit, which answers with a 500.
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Whether a state-changing request comes from this site: its Origin must be the configured base
 * URL's origin or the origin of the Host it was sent to. Browsers send Origin with every POST, so a
 * missing one means a script or a very old browser: refused too. X-Forwarded-Host is not trusted
 * (a client can forge it).
 */
function sameOrigin(request: Pick<NextRequest, "headers">, baseUrl: string): URL | null {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return null;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return null;
  }
  if (from.protocol !== "http:" && from.protocol !== "https:") return null;
  try {
    if (from.origin === new URL(baseUrl).origin) return from;
  } catch {
    // An unparsable base URL is refused by lib/env.ts at start-up; fall through to the Host check.
  }
  const host = request.headers.get("host");
  return host !== null && from.host === host ? from : null;
}

export function proxy(request: NextRequest) {
  if (SAFE.has(request.method)) return NextResponse.next();
  if (CROSS_SITE_POST.has(request.nextUrl.pathname)) {
    if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return NextResponse.json({ error: "Request too large" }, { status: 413 });
    return NextResponse.next();
  }
  const origin = sameOrigin(request, env().baseUrl);
  if (!origin) {
    // A plain 403 before Next's own server-action check, which would otherwise answer with a 500.
    return NextResponse.json({ error: "Cross-origin request refused" }, { status: 403 });
  }
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
    return NextResponse.json({ error: "Request too large" }, { status: 413 });
  }
  // Next repeats the Origin check for server actions against X-Forwarded-Host, which a client can
  // forge (a 500 otherwise); the origin is verified above, so that is what the request carries on.
  const headers = new Headers(request.headers);
  headers.set("x-forwarded-host", origin.host);
  return NextResponse.next({ request: { headers } });
}

// Every path except build assets; safe methods pass straight through.
export const config = { matcher: ["/((?!_next/static|_next/image|favicon\\.ico).*)"] };
