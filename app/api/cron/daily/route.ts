import { NextResponse } from "next/server";
import { sendBlockingNotices } from "@/lib/blocking";
import { cronAuthorized } from "@/lib/cron";
import { oidcHousekeeping } from "@/lib/oidc/grants";

export const dynamic = "force-dynamic";

// GET /api/cron/daily with `Authorization: Bearer <CRON_SECRET>` — the daily jobs: blocking notices (A9),
// the OpenID Provider's clean-up (expired tokens, scheduled signing-key rotation).
// Safe to call more than once a day: each notice goes out once per account and day.
export async function GET(request: Request) {
  const auth = cronAuthorized(request.headers.get("authorization"));
  if (auth === "unconfigured") {
    return NextResponse.json({ error: "unavailable", message: "CRON_SECRET is not set." }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
  if (auth !== "ok") {
    return NextResponse.json({ error: "unauthorized" }, { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="latchkey-cron"', "Cache-Control": "no-store" } });
  }
  try {
    const notices = await sendBlockingNotices();
    const oidc = await oidcHousekeeping();
    return NextResponse.json({ ok: true, blockingNotices: notices, oidc }, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    console.error("daily job failed", err);
    return NextResponse.json({ error: "failed" }, { status: 500, headers: { "Cache-Control": "no-store" } });
  }
}
