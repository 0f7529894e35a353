import { NextResponse } from "next/server";
import { searchText } from "@/lib/shared/text-input";
import { listOutbox, outboxEnabled } from "@/lib/delivery/outbox";

export const dynamic = "force-dynamic";

// GET /api/dev/outbox?to=ADDRESS — newest first. Exists only in development or with LATCHKEY_DEV_OUTBOX=1.
export async function GET(request: Request) {
  if (!outboxEnabled()) return NextResponse.json({ error: "Not found" }, { status: 404 });
  const to = new URL(request.url).searchParams.get("to") ?? undefined;
  const parsed = searchText(254).safeParse(to);
  if (!parsed.success) return NextResponse.json({ error: "Invalid 'to' parameter" }, { status: 400 });
  const address = parsed.data?.includes("@") ? parsed.data.toLowerCase() : parsed.data;
  const rows = await listOutbox(address);
  return NextResponse.json(rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })));
}
