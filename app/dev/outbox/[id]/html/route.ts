import { outboxEnabled, outboxHtml } from "@/lib/delivery/outbox";

// The HTML version of one email in the development outbox, framed by /dev/outbox. Its own
// Content-Security-Policy (proxy.ts) lets the email's inline styles apply and nothing else.
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = Number((await params).id);
  if (!outboxEnabled() || !Number.isSafeInteger(id) || id < 1) return new Response("Not found", { status: 404 });
  const html = await outboxHtml(id);
  if (html === null) return new Response("Not found", { status: 404 });
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" } });
}
