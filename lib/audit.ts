import "server-only";
// The audit log: one writer for every authentication event and admin change. Never given secrets.
import { and, desc, eq, gte, ilike, lte, or, sql, type SQL } from "drizzle-orm";
import { db } from "@/db/client";
import { auditLog, users } from "@/db/schema";

export type AuditInput = {
  action: string;
  userId?: string | null;
  actorId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
};

export async function audit(entry: AuditInput): Promise<void> {
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

export async function listAudit(filter: { user?: string; action?: string; from?: Date; to?: Date; limit?: number }) {
  const where: SQL[] = [];
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.from) where.push(gte(auditLog.createdAt, filter.from));
  if (filter.to) where.push(lte(auditLog.createdAt, filter.to));
  if (filter.user) {
    const q = `%${filter.user.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(users.email, q), ilike(users.name, q), ilike(users.phone, q))!);
  }
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      detail: auditLog.detail,
      createdAt: auditLog.createdAt,
      userId: auditLog.userId,
      userEmail: users.email,
      userName: users.name,
    })
    .from(auditLog)
    .leftJoin(users, sql`${users.id} = ${auditLog.userId}`)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(filter.limit ?? 200);
}
