import { NextResponse } from "next/server";
import { powChallenge } from "@/lib/limits/proof-of-work";
import { ensureBrowserId } from "@/lib/limits/sms-clients";

export const dynamic = "force-dynamic";

// GET /api/altcha — a fresh proof-of-work challenge for the forms that send an SMS (the widget asks for
// one each time it solves). The browser gets its id cookie here, so its first request is its own.
export async function GET() {
  await ensureBrowserId();
  return NextResponse.json(await powChallenge(), { headers: { "Cache-Control": "no-store" } });
}
