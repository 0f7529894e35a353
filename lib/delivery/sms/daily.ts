import "server-only";
// How many SMS codes went out each UTC day: the Manager's overview draws it against the daily budget.
import { sql } from "drizzle-orm";
import { db } from "@/lib/db";
import { smsDaily } from "@/db/schema";
import { dayOf } from "@/lib/shared/format";

/** Counts one SMS sent today. Never throws: a lost count must not fail a delivered code. */
export async function countSmsSent(now = new Date()) {
  try {
    await db
      .insert(smsDaily)
      .values({ day: dayOf(now), sent: 1 })
      .onConflictDoUpdate({ target: smsDaily.day, set: { sent: sql`${smsDaily.sent} + 1` } });
  } catch (err) {
    console.error("SMS day count not recorded:", err instanceof Error ? err.message : err);
  }
}
