import "server-only";
// The audit log: one writer for every authentication event and admin change. Never given secrets.
import { and, desc, eq, gte, ilike, lte, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { db, type Db as Tx } from "@/lib/db";
import { auditLog, users } from "@/db/schema";
import { SYSTEM_ACTOR, type AuditAction } from "@/lib/audit/actions";

export type AuditInput = {
  action: AuditAction;
  /** The account the entry is about, when there is one. */
  userId?: string | null;
  /** Who did it: a user's id, SYSTEM_ACTOR for jobs and start-up, null for a visitor not signed in. */
  actorId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
};

/**
 * Writes one entry. Inside a transaction (`q`), the entry is part of it: written with the change it
 * records, or not at all. Outside one, a failed write is logged and does not undo what happened.
 */
export async function audit(entry: AuditInput, q?: Tx): Promise<void> {
  const values = {
    action: entry.action,
    userId: entry.userId ?? null,
    actorId: entry.actorId ?? null,
    detail: entry.detail ?? null,
    ip: entry.ip ?? null,
  };
  if (q) {
    await q.insert(auditLog).values(values);
    return;
  }
  try {
    await db.insert(auditLog).values({
      action: entry.action,
      userId: entry.userId ?? null,
      actorId: entry.actorId ?? null,
      detail: entry.detail ?? null,
      ip: entry.ip ?? null,
    });
  } catch (err) {
    // The audit log must not turn a successful sign-in into a failure; the cause is logged instead.
    console.error("audit write failed", entry.action, err);
  }
}

/** One entry as an INSERT, for a statement that writes it with the change it records (one round trip). */
export function auditSql(entry: AuditInput): SQL {
  const detail = entry.detail ? JSON.stringify(entry.detail) : null;
  return sql`insert into ${auditLog} (action, user_id, actor_id, detail, ip)
    values (${entry.action}, ${entry.userId ?? null}, ${entry.actorId ?? null}, ${detail}::jsonb, ${entry.ip ?? null})`;
}

export type AuditFilter = { user?: string; action?: string; from?: Date; to?: Date; limit?: number };

const actor = alias(users, "actor");
const account = alias(users, "account");

/**
 * Entries newest first, with the actor (who did it) and the account affected. `user` matches the
 * name, email or phone of either.
 */
export async function listAudit(filter: AuditFilter) {
  const where: SQL[] = [];
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.from) where.push(gte(auditLog.createdAt, filter.from));
  if (filter.to) where.push(lte(auditLog.createdAt, filter.to));
  if (filter.user) {
    const q = `%${filter.user.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const matches = (t: typeof actor | typeof account) => or(ilike(t.email, q), ilike(t.name, q), ilike(t.phone, q))!;
    where.push(or(matches(actor), matches(account))!);
  }
  const rows = await db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      detail: auditLog.detail,
      ip: auditLog.ip,
      createdAt: auditLog.createdAt,
      actorId: auditLog.actorId,
      actorName: actor.name,
      actorEmail: actor.email,
      actorPhone: actor.phone,
      userId: auditLog.userId,
      userName: account.name,
      userEmail: account.email,
      userPhone: account.phone,
    })
    .from(auditLog)
    .leftJoin(actor, eq(actor.id, auditLog.actorId))
    .leftJoin(account, eq(account.id, auditLog.userId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(filter.limit ?? 200);
  return rows.map((r) => ({
    ...r,
    /** Who did it, in words. */
    actorLabel: r.actorId === SYSTEM_ACTOR ? "system" : r.actorId ? personLabel(r.actorName, r.actorEmail, r.actorPhone, r.actorId) : "visitor (not signed in)",
    /** The account affected, when it is not the actor. */
    accountLabel: r.userId && r.userId !== r.actorId ? personLabel(r.userName, r.userEmail, r.userPhone, r.userId) : "",
  }));
}

export type AuditRow = Awaited<ReturnType<typeof listAudit>>[number];

function personLabel(name: string | null, email: string | null, phone: string | null, id: string) {
  if (!name && !email && !phone) return `deleted account ${id.slice(0, 8)}`;
  const contact = email ?? phone;
  return name && contact ? `${name} (${contact})` : (name ?? contact ?? id);
}
