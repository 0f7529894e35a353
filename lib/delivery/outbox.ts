import "server-only";
// The development outbox (S7): messages that no provider delivered, readable at /dev/outbox.
import { desc, eq } from "drizzle-orm";
import { db } from "@/lib/db";
import { outbox } from "@/db/schema";
import { env } from "@/lib/env";

export async function writeOutbox(m: { channel: "email" | "sms"; to: string; subject?: string; body: string; html?: string }) {
  await db.insert(outbox).values({ channel: m.channel, to: m.to, subject: m.subject ?? null, body: m.body, html: m.html ?? null });
}

export const outboxEnabled = () => env().outboxEnabled;

export async function listOutbox(to?: string, limit = 100) {
  return db
    .select({
      id: outbox.id,
      channel: outbox.channel,
      to: outbox.to,
      subject: outbox.subject,
      body: outbox.body,
      createdAt: outbox.createdAt,
    })
    .from(outbox)
    .where(to ? eq(outbox.to, to) : undefined)
    .orderBy(desc(outbox.id))
    .limit(limit);
}
