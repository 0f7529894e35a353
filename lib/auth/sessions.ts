import "server-only";
// Server-side sessions: the cookie carries a random token, the database keeps its hash, expiry and activity.
import { and, desc, eq, gt, isNull, ne, sql, type SQL } from "drizzle-orm";
import { db, type Db as Tx } from "@/lib/db";
import { sessions, users, type Session, type User } from "@/db/schema";
import { hashSecret, randomToken } from "../crypto";
import { getSettings } from "../settings";
import { blockingDateReached } from "../blocking";

// Last-activity writes are throttled: one per minute per session keeps each request cheap.
const TOUCH_EVERY_MS = 60_000;

export type NewSession = {
  token: string;
  values: typeof sessions.$inferInsert;
};

/**
 * A new session, ready to be written: the random token (for the cookie) and its row. Reads the
 * settings here, so that `writeSession` can run inside a transaction that touches nothing else.
 */
export async function newSession(
  userId: string,
  meta: { userAgent?: string | null; ip?: string | null; method?: string; secondFactor?: boolean },
): Promise<NewSession> {
  const token = randomToken(32);
  const { absoluteSessionDays } = await getSettings("account");
  const now = new Date();
  return {
    token,
    values: {
      id: hashSecret(`session:${token}`),
      userId,
      userAgent: meta.userAgent ?? null,
      ip: meta.ip ?? null,
      method: meta.method ?? null,
      // A second factor verified at sign-in covers the Manager app too (T6).
      secondFactorAt: meta.secondFactor ? now : null,
      // The cookie is set in the answer that writes the row.
      boundAt: now,
      expiresAt: new Date(now.getTime() + absoluteSessionDays * 86_400_000),
    },
  };
}

/** Writes a new session's row (and the account's last activity), with `q` inside a transaction. */
export async function writeSession(s: NewSession, q: Tx = db) {
  await q.insert(sessions).values(s.values);
  await q.update(users).set({ lastActiveAt: new Date() }).where(eq(users.id, s.values.userId));
}

/**
 * Writes a new session's row, the account's last activity and `alongside` (other writes: the audit
 * entry, a cleared count, the previous session ended) in one statement: one round trip, all or nothing.
 */
export async function writeSessionWith(s: NewSession, alongside: SQL[]) {
  const v = s.values;
  const at = (d: Date | null | undefined) => (d ? sql`${d.toISOString()}::timestamptz` : sql`null`);
  const parts = alongside.map((w, i) => sql`, ${sql.identifier(`w${i}`)} as (${w})`);
  await db.execute(sql`
    with opened as (
      insert into ${sessions} (id, user_id, user_agent, ip, method, second_factor_at, expires_at, bound_at)
      values (${v.id}, ${v.userId}, ${v.userAgent ?? null}, ${v.ip ?? null}, ${v.method ?? null}, ${at(v.secondFactorAt)}, ${at(v.expiresAt)}, ${at(v.boundAt)})
      returning user_id
    ), active as (
      update ${users} set last_active_at = now() where ${users.id} in (select user_id from opened)
    )${sql.join(parts, sql``)}
    select 1`);
}

/** Ends the session a token names, as a statement to join to another write (the token need not be live). */
export const revokeByTokenSql = (token: string) =>
  sql`update ${sessions} set revoked_at = now() where ${sessions.id} = ${hashSecret(`session:${token}`)} and ${sessions.revokedAt} is null`;

export async function createSession(userId: string, meta: { userAgent?: string | null; ip?: string | null; method?: string; secondFactor?: boolean }) {
  const s = await newSession(userId, meta);
  await writeSession(s);
  return s.token;
}

export type ActiveSession = { session: Session; user: User };

/**
 * Resolves a session token to its live session and user, or null when it is unknown, revoked,
 * past its absolute expiry, idle longer than the online status timeframe, or its account blocked
 * (by an admin, or because its scheduled blocking date has come).
 */
export async function validateSession(token: string | undefined | null): Promise<ActiveSession | null> {
  if (!token) return null;
  const id = hashSecret(`session:${token}`);
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .limit(1);
  if (!row || row.session.revokedAt || !row.session.boundAt) return null;
  const now = Date.now();
  if (row.session.expiresAt.getTime() <= now) return null;
  if (row.user.status === "blocked") return null;
  if (blockingDateReached(row.user, new Date(now))) {
    // A9: from the scheduled blocking date on, the account's sessions end.
    await db
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
    return null;
  }
  const { onlineTimeframeMinutes } = await getSettings("account");
  if (now - row.session.lastActiveAt.getTime() > onlineTimeframeMinutes * 60_000) {
    await db
      .update(sessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
    return null;
  }
  if (now - row.session.lastActiveAt.getTime() > TOUCH_EVERY_MS) {
    const at = new Date(now);
    // The session's and the account's last activity in one statement.
    await db.execute(sql`
      with touched as (update ${sessions} set last_active_at = ${at.toISOString()}::timestamptz where ${sessions.id} = ${id} returning ${sessions.userId})
      update ${users} set last_active_at = ${at.toISOString()}::timestamptz where ${users.id} in (select user_id from touched)`);
    row.session.lastActiveAt = at;
    row.user.lastActiveAt = at;
  }
  return row;
}

export async function revokeSessionByToken(token: string) {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, hashSecret(`session:${token}`)), isNull(sessions.revokedAt)));
}

/** Ends one of the user's sessions (by its stored id); refuses other users' sessions. */
export async function revokeSession(userId: string, sessionId: string) {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

export async function revokeOtherSessions(userId: string, keepSessionId: string | null, q: Tx = db) {
  const rows = await q
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keepSessionId ? ne(sessions.id, keepSessionId) : sql`true`))
    .returning({ id: sessions.id });
  return rows.length;
}

export const revokeAllSessions = (userId: string, q: Tx = db) => revokeOtherSessions(userId, null, q);

/** The user's live sessions, newest activity first. */
export async function listSessions(userId: string) {
  const { onlineTimeframeMinutes } = await getSettings("account");
  const idleCutoff = new Date(Date.now() - onlineTimeframeMinutes * 60_000);
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastActiveAt: sessions.lastActiveAt,
      userAgent: sessions.userAgent,
      ip: sessions.ip,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        sql`${sessions.boundAt} is not null`,
        gt(sessions.expiresAt, new Date()),
        gt(sessions.lastActiveAt, idleCutoff),
      ),
    )
    .orderBy(desc(sessions.lastActiveAt));
}
