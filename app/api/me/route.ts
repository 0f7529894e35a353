import { NextResponse } from "next/server";
import { z } from "zod";
import { authenticateApiToken } from "@/lib/api-tokens";
import { isBlocked } from "@/lib/blocking";

export const dynamic = "force-dynamic";

const bearer = z
  .string()
  .max(512)
  .regex(/^Bearer +[^\s]+ *$/i)
  .transform((v) => v.replace(/^Bearer +/i, "").trim());

const headers = (challenge: string) => ({ "WWW-Authenticate": challenge, "Cache-Control": "no-store" });

function unauthorized(error: "missing" | "invalid_token" | "invalid_request") {
  // RFC 6750: no error code when no credentials were sent at all.
  const challenge = error === "missing" ? 'Bearer realm="latchkey"' : `Bearer realm="latchkey", error="${error}"`;
  const message = {
    missing: "Send a personal API token as Authorization: Bearer <token>.",
    invalid_request: "The Authorization header must be: Bearer <token>.",
    invalid_token: "The token is not valid: it is unknown, expired or revoked, or its account is blocked.",
  }[error];
  return NextResponse.json({ error: error === "missing" ? "unauthorized" : error, message }, { status: 401, headers: headers(challenge) });
}

// GET /api/me with `Authorization: Bearer <personal API token>` — the token's account (A11).
export async function GET(request: Request) {
  const header = request.headers.get("authorization");
  if (!header) return unauthorized("missing");
  const parsed = bearer.safeParse(header);
  if (!parsed.success) return unauthorized("invalid_request");
  try {
    const user = await authenticateApiToken(parsed.data);
    if (!user || isBlocked(user)) return unauthorized("invalid_token");
    return NextResponse.json({ id: user.id, email: user.email, status: user.status }, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    console.error("GET /api/me failed", err);
    return NextResponse.json(
      { error: "unavailable", message: "Try again in a moment." },
      { status: 503, headers: { "Retry-After": "5", "Cache-Control": "no-store" } },
    );
  }
}
