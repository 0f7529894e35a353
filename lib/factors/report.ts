import "server-only";
// What the Manager app is told about two-step verification (T8): accounts without a phone.
import { and, sql } from "drizzle-orm";
import { db } from "@/lib/db";
import { users } from "@/db/schema";

/**
 * T8: how many accounts have no confirmed phone and are not blocked (shown while SMS is an allowed
 * method; the Manager's account list shows them with `?phone=missing`).
 */
export async function countAccountsWithoutPhone(): Promise<number> {
  const where = and(sql`${users.phoneVerifiedAt} is null`, sql`${users.status} <> 'blocked'`);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(where);
  return Number(count?.n ?? 0);
}
