import { NextResponse } from "next/server";
import { cronAuthorized, runDailyJobs } from "@/lib/cron";

export const dynamic = "force-dynamic";

// GET /api/cron/daily with `Authorization: Bearer <CRON_SECRET>` — the daily jobs: blocking notices (A9),
// security notices to retry, spent proof-of-work challenges to forget, the OpenID Provider's clean-up
// (expired tokens, scheduled signing-key rotation). Safe to call more than once a day.
export async function GET(request: Request) {
  const auth = cronAuthorized(request.headers.get("authorization"));
  if (auth === "unconfigured") {
    return NextResponse.json({ error: "unavailable", message: "CRON_SECRET is not set." }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
  if (auth !== "ok") {
    return NextResponse.json(
      { error: "unauthorized" },
      { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="latchkey-cron"', "Cache-Control": "no-store" } },
    );
  }
  try {
    return NextResponse.json({ ok: true, ...(await runDailyJobs()) }, { headers: { "Cache-Control": "no-store" } });
  } catch (err) {
    console.error("daily job failed", err);
    return NextResponse.json({ error: "failed" }, { status: 500, headers: { "Cache-Control": "no-store" } });
  }
}
