import "server-only";
// What the Manager app is told about two-step verification (T8): accounts without a phone.
import { and, sql } from "drizzle-orm";
import { db } from "@/lib/db";
import { users } from "@/db/schema";

/** T8: accounts without a confirmed phone (shown while SMS is an allowed method). */
export async function accountsWithoutPhone(limit = 100) {
  const where = and(sql`${users.phoneVerifiedAt} is null`, sql`${users.status} <> 'blocked'`);
  const [count] = await db.select({ n: sql<number>`count(*)::int` }).from(users).where(where);
  const rows = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(where).orderBy(users.createdAt).limit(limit);
  return { count: Number(count?.n ?? 0), rows };
}
