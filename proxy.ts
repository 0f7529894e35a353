// Runs before route handlers: refuses state-changing API requests from another origin (B5).
// Server actions get the same check from Next itself; real access checks live in lib/auth/guards.ts.
import { NextResponse, type NextRequest } from "next/server";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function proxy(request: NextRequest) {
  if (SAFE.has(request.method)) return NextResponse.next();
  const origin = request.headers.get("origin");
  // The Host header, not X-Forwarded-Host: a client can forge the latter.
  const host = request.headers.get("host");
  let sameOrigin = false;
  try {
    sameOrigin = origin !== null && host !== null && new URL(origin).host === host;
  } catch {
    sameOrigin = false;
  }
  if (!sameOrigin) {
    return NextResponse.json({ error: "Cross-origin request refused" }, { status: 403 });
  }
  return NextResponse.next();
}

export const config = { matcher: ["/api/:path*"] };
