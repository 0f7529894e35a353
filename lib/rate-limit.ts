import "server-only";
// Fixed-window limits kept in Postgres, shared by every app instance (nothing in process memory).
import { eq, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { rateLimits } from "@/db/schema";

export type Limit = { max: number; windowSeconds: number };
export type LimitResult = { success: boolean; count: number; remaining: number; resetAt: Date };

export const LIMITS = {
  // Failed password sign-ins per identifier and per client IP.
  loginPerIdentifier: { max: 10, windowSeconds: 15 * 60 },
  loginPerIp: { max: 100, windowSeconds: 15 * 60 },
  signupPerIp: { max: 20, windowSeconds: 60 * 60 },
  // Code sends per target (email address or phone) — S8: at most 5 per 10 minutes.
  codeSendsPerTarget: { max: 5, windowSeconds: 10 * 60 },
  codeSendsPerIp: { max: 30, windowSeconds: 60 * 60 },
  // Wrong codes per target across re-sent codes: a new code does not reset it.
  codeFailuresPerTarget: { max: 20, windowSeconds: 60 * 60 },
} satisfies Record<string, Limit>;

/** Counts one hit against `key` and says whether it is within the limit. Atomic across instances. */
export async function hit(key: string, limit: Limit): Promise<LimitResult> {
  const rows = await db.execute<{ count: number; reset_at: string | Date }>(sql`
    insert into ${rateLimits} (key, count, reset_at)
    values (${key}, 1, now() + make_interval(secs => ${limit.windowSeconds}))
    on conflict (key) do update set
      count = case when ${rateLimits.resetAt} <= now() then 1 else ${rateLimits.count} + 1 end,
      reset_at = case when ${rateLimits.resetAt} <= now() then excluded.reset_at else ${rateLimits.resetAt} end
    returning count, reset_at`);
  return toResult(rowsOf<{ count: number; reset_at: string | Date }>(rows)[0]!, limit);
}

/** Reads the current count without adding to it. */
export async function peek(key: string, limit: Limit): Promise<LimitResult> {
  const rows = await db.execute<{ count: number; reset_at: string | Date }>(
    sql`select case when reset_at <= now() then 0 else count end as count, reset_at from ${rateLimits} where key = ${key}`,
  );
  const row = rowsOf<{ count: number; reset_at: string | Date }>(rows)[0];
  if (!row) return { success: true, count: 0, remaining: limit.max, resetAt: new Date() };
  const r = toResult(row, limit);
  // `peek` asks "may one more happen?", so the limit is reached at max, not max + 1.
  return { ...r, success: r.count < limit.max };
}

export async function clear(key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

export function retryAfterText(resetAt: Date): string {
  const s = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
  if (s < 90) return `${s} seconds`;
  return `${Math.ceil(s / 60)} minutes`;
}

function toResult(row: { count: number; reset_at: string | Date }, limit: Limit): LimitResult {
  const count = Number(row.count);
  return { success: count <= limit.max, count, remaining: Math.max(0, limit.max - count), resetAt: new Date(row.reset_at) };
}

// postgres.js returns an array; PGlite returns { rows }.
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
