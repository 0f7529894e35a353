import "server-only";
// The Manager's overview (/admin): accounts by status, sign-ins and failed sign-ins per day, SMS
// sent per day — counted from the accounts, the audit log and the SMS day counter.
import { and, gte, inArray, sql } from "drizzle-orm";
import { db } from "@/lib/db";
import { auditLog, smsDaily, users } from "@/db/schema";
import { dayOf } from "@/lib/shared/format";

export type Status = "active" | "pending" | "blocked";

/** The last `n` UTC days, oldest first, as YYYY-MM-DD (today included). */
export function lastDays(n: number, now = new Date()): string[] {
  return Array.from({ length: n }, (_, i) => dayOf(new Date(now.getTime() - (n - 1 - i) * 86_400_000)));
}

export async function accountsByStatus(): Promise<Record<Status, number>> {
  const rows = await db
    .select({ status: users.status, n: sql<number>`count(*)::int` })
    .from(users)
    .groupBy(users.status);
  const out: Record<Status, number> = { active: 0, pending: 0, blocked: 0 };
  for (const r of rows) if (r.status in out) out[r.status as Status] = Number(r.n);
  return out;
}

/** Successful and failed password/code sign-ins per UTC day over `days`. */
export async function signInsPerDay(days: string[]) {
  const day = sql<string>`to_char(${auditLog.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({ day, action: auditLog.action, n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(inArray(auditLog.action, ["signin.succeeded", "signin.failed"]), gte(auditLog.createdAt, new Date(`${days[0]}T00:00:00Z`))))
    .groupBy(day, auditLog.action);
  const count = (action: string, d: string) => Number(rows.find((r) => r.day === d && r.action === action)?.n ?? 0);
  return { succeeded: days.map((d) => count("signin.succeeded", d)), failed: days.map((d) => count("signin.failed", d)) };
}

/** SMS sent per UTC day over `days` (codes, as counted against the site's daily budget). */
export async function smsPerDay(days: string[]) {
  const rows = await db.select().from(smsDaily).where(gte(smsDaily.day, days[0]!));
  return days.map((d) => rows.find((r) => r.day === d)?.sent ?? 0);
}
