import "server-only";
// Fixed-window limits shared by every app instance (nothing in process memory, O2): in Upstash Redis when
// UPSTASH_REDIS_REST_URL/TOKEN are set, otherwise in Postgres. If Upstash cannot be reached (error or
// timeout) the call is counted in Postgres instead — a limit never fails open.
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { eq, sql } from "drizzle-orm";
import { db } from "@/lib/db";
import { rateLimits } from "@/db/schema";
import { env } from "@/lib/env";
import type { KeyedLimit } from "@/lib/limits/catalogue";

export type Limit = { max: number; windowSeconds: number };
export type LimitResult = { success: boolean; count: number; remaining: number; resetAt: Date };

/** Counts one hit against a limit of the catalogue and says whether it is within it. Atomic across instances. */
export async function hit(limit: KeyedLimit): Promise<LimitResult> {
  const { key } = limit;
  const store = upstash();
  if (store) {
    try {
      const r = await store.limiter(limit).limit(key);
      // On its timeout the library answers success: true — that is "no answer", not "allowed".
      if (r.reason === "timeout") throw new Error(`no answer within ${store.timeoutMs} ms`);
      storeReachable();
      // `remaining` is clamped at 0, so an over-limit hit's exact count is unknown: max + 1 is enough.
      const count = r.success ? limit.max - r.remaining : limit.max + 1;
      return { success: r.success, count, remaining: r.remaining, resetAt: new Date(r.reset) };
    } catch (err) {
      storeUnreachable(err);
    }
  }
  return hitPostgres(key, limit);
}

/** Reads the current count without adding to it. */
export async function peek(limit: KeyedLimit): Promise<LimitResult> {
  const { key } = limit;
  const store = upstash();
  if (store) {
    try {
      const r = await store.bounded(store.limiter(limit).getRemaining(key));
      storeReachable();
      const count = Math.max(0, limit.max - r.remaining);
      // `peek` asks "may one more happen?", so the limit is reached at max, not max + 1.
      return { success: count < limit.max, count, remaining: r.remaining, resetAt: new Date(r.reset) };
    } catch (err) {
      storeUnreachable(err);
    }
  }
  return peekPostgres(key, limit);
}

/** Forgets a limit's count (the right password clears the failed ones; a failed send gives its cooldown back). */
export async function clear(limit: Pick<KeyedLimit, "key">): Promise<void> {
  const { key } = limit;
  const store = upstash();
  if (store) {
    try {
      // Deletes every window of the key (SCAN MATCH latchkey:<key>:*), so glob characters are escaped.
      await store.bounded(store.limiter({ max: 1, windowSeconds: 1 }).resetUsedTokens(key.replace(/[*?[\]\\]/g, "\\$&")));
      storeReachable();
    } catch (err) {
      storeUnreachable(err);
    }
  }
  // Also in Postgres: hits counted there while Upstash was unreachable.
  await db.delete(rateLimits).where(eq(rateLimits.key, key));
}

/** One hit against each limit (distinct keys) in Postgres, returning `key, count, reset_at` of each. */
function hitSql(limits: Array<Limit & { key: string }>) {
  const values = limits.map((l) => sql`(${l.key}, 1, now() + make_interval(secs => ${l.windowSeconds}))`);
  return sql`
    insert into ${rateLimits} (key, count, reset_at)
    values ${sql.join(values, sql`, `)}
    on conflict (key) do update set
      count = case when ${rateLimits.resetAt} <= now() then 1 else ${rateLimits.count} + 1 end,
      reset_at = case when ${rateLimits.resetAt} <= now() then excluded.reset_at else ${rateLimits.resetAt} end
    returning key, count, reset_at`;
}

async function hitPostgres(key: string, limit: Limit): Promise<LimitResult> {
  const rows = await db.execute<{ count: number; reset_at: string | Date }>(hitSql([{ ...limit, key }]));
  return toResult(rowsOf<{ count: number; reset_at: string | Date }>(rows)[0]!, limit);
}

/** Whether hits are counted in Postgres (no Upstash configured): then a hit can share a statement with a query. */
export const countsInPostgres = () => upstash() === null;

/**
 * A hit against each limit as a common table expression (`hits`: key, count, reset_at), for a statement
 * that reads something else at the same time (the sign-in's account lookup). Postgres only.
 */
export const hitsCte = (limits: KeyedLimit[]) =>
  db.$with("hits", { key: rateLimits.key, count: rateLimits.count, resetAt: rateLimits.resetAt }).as(hitSql(limits));

/** The results of `hitsCte`'s rows, in the order of `limits`. */
export function hitResults(limits: KeyedLimit[], rows: Array<{ key: string; count: number; resetAt: Date }>): LimitResult[] {
  return limits.map((l) => {
    const row = rows.find((r) => r.key === l.key);
    if (!row) throw new Error(`rate limits: no count returned for ${l.name}`);
    return toResult({ count: row.count, reset_at: row.resetAt }, l);
  });
}

/** Postgres's part of `clear` as a statement of its own, to be joined to another write (Postgres store only). */
export const clearSql = (limit: Pick<KeyedLimit, "key">) => sql`delete from ${rateLimits} where key = ${limit.key}`;

async function peekPostgres(key: string, limit: Limit): Promise<LimitResult> {
  const rows = await db.execute<{ count: number; reset_at: string | Date }>(
    sql`select case when reset_at <= now() then 0 else count end as count, reset_at from ${rateLimits} where key = ${key}`,
  );
  const row = rowsOf<{ count: number; reset_at: string | Date }>(rows)[0];
  if (!row) return { success: true, count: 0, remaining: limit.max, resetAt: new Date() };
  const r = toResult(row, limit);
  // `peek` asks "may one more happen?", so the limit is reached at max, not max + 1.
  return { ...r, success: r.count < limit.max };
}

// ——— Upstash ———

type UpstashStore = {
  timeoutMs: number;
  limiter(limit: Limit): Ratelimit;
  bounded<T>(p: Promise<T>): Promise<T>;
};

// Clients only (no counts): one Redis client per URL and one Ratelimit per (max, window).
let store: (UpstashStore & { url: string }) | undefined;
let unreachableSince: number | undefined;

function upstash(): UpstashStore | null {
  const e = env();
  const url = e.UPSTASH_REDIS_REST_URL;
  const token = e.UPSTASH_REDIS_REST_TOKEN;
  if (!url || !token) return null;
  if (store?.url === url) return store;
  const timeoutMs = e.UPSTASH_TIMEOUT_MS;
  const redis = new Redis({
    url,
    token,
    // Every request is aborted (and throws) after the timeout; one quick retry for a dropped connection.
    signal: () => AbortSignal.timeout(timeoutMs),
    retry: { retries: 1, backoff: () => 50 },
    enableTelemetry: false,
  });
  const limiters = new Map<string, Ratelimit>();
  store = {
    url,
    timeoutMs,
    limiter(limit) {
      const id = `${limit.max}/${limit.windowSeconds}`;
      let rl = limiters.get(id);
      if (!rl) {
        rl = new Ratelimit({
          redis,
          limiter: Ratelimit.fixedWindow(limit.max, `${limit.windowSeconds} s`),
          prefix: "latchkey",
          // The in-process cache would block on one instance only and outlive a clear(): off.
          ephemeralCache: false,
          analytics: false,
          enableProtection: false,
          enableTelemetry: false,
          timeout: timeoutMs,
        });
        limiters.set(id, rl);
      }
      return rl;
    },
    bounded<T>(p: Promise<T>) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
    },
  };
  return store;
}

// Logged once per outage, not once per request.
function storeUnreachable(err: unknown) {
  if (unreachableSince !== undefined) return;
  unreachableSince = Date.now();
  const reason = err instanceof Error ? err.message : String(err);
  console.error(`rate limits: Upstash Redis unreachable (${reason.slice(0, 300)}); counting in Postgres until it answers again`);
}

function storeReachable() {
  if (unreachableSince === undefined) return;
  console.warn(`rate limits: Upstash Redis reachable again after ${Math.round((Date.now() - unreachableSince) / 1000)} s`);
  unreachableSince = undefined;
}

export function retryAfterText(resetAt: Date): string {
  const s = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
  if (s === 1) return "1 second";
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
