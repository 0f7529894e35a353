import "server-only";
// The development outbox (S7): messages that no provider delivered, readable at /dev/outbox.
import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
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
      hasHtml: sql<boolean>`${outbox.html} is not null`,
      createdAt: outbox.createdAt,
    })
    .from(outbox)
    .where(to ? eq(outbox.to, to) : undefined)
    .orderBy(desc(outbox.id))
    .limit(limit);
}

/** The HTML version of one email in the outbox, or null. */
export async function outboxHtml(id: number): Promise<string | null> {
  const [row] = await db
    .select({ html: outbox.html })
    .from(outbox)
    .where(and(eq(outbox.id, id), isNotNull(outbox.html)));
  return row?.html ?? null;
}
