// The daily job's pruning: old audit entries (per the retention setting) and ended codes, links,
// challenges, sessions and limiter windows go; fresh and live rows stay.
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { auditLog, codes, rateLimits, sessions, signInChallenges, webauthnChallenges } from "@/db/schema";
import { runDailyJobs } from "@/lib/cron";
import { DEFAULT_AUDIT_RETENTION_DAYS, getAuditRetention, updateAuditRetention } from "@/lib/audit/retention";
import { pruneRecords } from "@/lib/housekeeping";
import { createUser, signedInSession, sessionIdOf } from "../support/fixtures";

const DAY = 86_400_000;
const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const id = (label: string) => `${label}-${Math.random().toString(36).slice(2)}`;

async function auditAt(userId: string, createdAt: Date) {
  const [row] = await db.insert(auditLog).values({ action: "signin.succeeded", userId, actorId: userId, createdAt }).returning({ id: auditLog.id });
  return row!.id;
}

async function codeRow(userId: string, fields: { expiresAt: Date; consumedAt?: Date; linkHash?: string }) {
  const rowId = id("code");
  await db.insert(codes).values({ id: rowId, purpose: "email_confirm", target: `${rowId}@example.test`, userId, codeHash: "x", ...fields });
  return rowId;
}

const idsIn = async <T extends { id: unknown }>(rows: Promise<T[]>) => (await rows).map((r) => r.id);

describe("pruning by the daily job", () => {
  it("deletes audit entries older than the retention setting and keeps newer ones", async () => {
    const u = await createUser();
    expect((await getAuditRetention()).retentionDays).toBe(DEFAULT_AUDIT_RETENTION_DAYS);
    const old = await auditAt(u.id, ago(DEFAULT_AUDIT_RETENTION_DAYS + 2));
    const kept = await auditAt(u.id, ago(DEFAULT_AUDIT_RETENTION_DAYS - 2));
    const fresh = await auditAt(u.id, now);

    const result = await runDailyJobs(now);
    expect(result.pruned.auditEntries).toBeGreaterThanOrEqual(1);
    const left = await idsIn(
      db
        .select({ id: auditLog.id })
        .from(auditLog)
        .where(inArray(auditLog.id, [old, kept, fresh])),
    );
    expect(left.sort()).toEqual([kept, fresh].sort());

    // A shorter retention, set by an admin, takes the entry that was kept before.
    await updateAuditRetention({ retentionDays: "30" }, null);
    expect((await getAuditRetention()).retentionDays).toBe(30);
    await runDailyJobs(now);
    const after = await idsIn(
      db
        .select({ id: auditLog.id })
        .from(auditLog)
        .where(inArray(auditLog.id, [kept, fresh])),
    );
    expect(after).toEqual([fresh]);
    // The change itself is in the audit log, and it is recent enough to stay.
    const changes = await db.select().from(auditLog).where(eq(auditLog.action, "settings.changed"));
    expect(changes.some((c) => (c.detail as { section?: string }).section === "auditLog")).toBe(true);
    await updateAuditRetention({ retentionDays: String(DEFAULT_AUDIT_RETENTION_DAYS) }, null);
  });

  it("refuses a retention below 30 days", async () => {
    await expect(updateAuditRetention({ retentionDays: "7" }, null)).rejects.toThrow();
    expect((await getAuditRetention()).retentionDays).toBe(DEFAULT_AUDIT_RETENTION_DAYS);
  });

  it("deletes ended codes and links, challenges, sessions and limiter windows, and keeps live ones", async () => {
    const u = await createUser();
    const expiredCode = await codeRow(u.id, { expiresAt: ago(2) });
    const usedLink = await codeRow(u.id, { expiresAt: ago(3), consumedAt: ago(3.01), linkHash: id("link") });
    const justExpired = await codeRow(u.id, { expiresAt: new Date(now.getTime() - 60_000) });
    const liveCode = await codeRow(u.id, { expiresAt: new Date(now.getTime() + 600_000) });

    const chal = (expiresAt: Date) => ({ id: id("chal"), userId: u.id, firstFactor: "password", surface: "web" as const, expiresAt });
    const oldChallenge = chal(ago(2));
    const liveChallenge = chal(new Date(now.getTime() + 600_000));
    await db.insert(signInChallenges).values([oldChallenge, liveChallenge]);

    const wchal = (expiresAt: Date) => ({ id: id("wa"), userId: u.id, purpose: "login" as const, challenge: id("c"), expiresAt });
    const oldKeyChallenge = wchal(ago(2));
    const liveKeyChallenge = wchal(new Date(now.getTime() + 300_000));
    await db.insert(webauthnChallenges).values([oldKeyChallenge, liveKeyChallenge]);

    const liveToken = await signedInSession(u.id);
    const endedToken = await signedInSession(u.id);
    await db
      .update(sessions)
      .set({ expiresAt: ago(2) })
      .where(eq(sessions.id, sessionIdOf(endedToken)));

    const oldWindow = id("limit");
    const liveWindow = id("limit");
    await db.insert(rateLimits).values([
      { key: oldWindow, count: 3, resetAt: ago(2) },
      { key: liveWindow, count: 3, resetAt: new Date(now.getTime() + 600_000) },
    ]);

    const result = await runDailyJobs(now);
    expect(result.pruned.codes).toBeGreaterThanOrEqual(2);
    expect(result.pruned.sessions).toBeGreaterThanOrEqual(1);

    const codesLeft = await idsIn(
      db
        .select({ id: codes.id })
        .from(codes)
        .where(inArray(codes.id, [expiredCode, usedLink, justExpired, liveCode])),
    );
    // A code that expired a minute ago still answers "has expired" until the next day's run.
    expect(codesLeft.sort()).toEqual([justExpired, liveCode].sort());
    expect(
      await idsIn(
        db
          .select({ id: signInChallenges.id })
          .from(signInChallenges)
          .where(inArray(signInChallenges.id, [oldChallenge.id, liveChallenge.id])),
      ),
    ).toEqual([liveChallenge.id]);
    expect(
      await idsIn(
        db
          .select({ id: webauthnChallenges.id })
          .from(webauthnChallenges)
          .where(inArray(webauthnChallenges.id, [oldKeyChallenge.id, liveKeyChallenge.id])),
      ),
    ).toEqual([liveKeyChallenge.id]);
    const sessionIds = [sessionIdOf(liveToken), sessionIdOf(endedToken)];
    expect(await idsIn(db.select({ id: sessions.id }).from(sessions).where(inArray(sessions.id, sessionIds)))).toEqual([sessionIdOf(liveToken)]);
    expect(
      (
        await db
          .select({ key: rateLimits.key })
          .from(rateLimits)
          .where(inArray(rateLimits.key, [oldWindow, liveWindow]))
      ).map((r) => r.key),
    ).toEqual([liveWindow]);
  });

  it("works through a backlog in bounded batches and leaves the rest to the next run", async () => {
    const u = await createUser();
    const before = ago(DEFAULT_AUDIT_RETENTION_DAYS + 10);
    await db.insert(auditLog).values(Array.from({ length: 25 }, () => ({ action: "signin.failed", userId: u.id, createdAt: before })));
    const fresh = await auditAt(u.id, now);
    const countOld = async () =>
      (
        await db
          .select({ id: auditLog.id })
          .from(auditLog)
          .where(and(eq(auditLog.userId, u.id), eq(auditLog.action, "signin.failed")))
      ).length;

    const first = await pruneRecords(now, { batchSize: 10, maxBatches: 2 });
    expect(first.auditEntries).toBe(20);
    expect(await countOld()).toBe(5);
    const second = await pruneRecords(now, { batchSize: 10, maxBatches: 2 });
    expect(second.auditEntries).toBe(5);
    expect(await countOld()).toBe(0);
    expect(await idsIn(db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.id, fresh)))).toEqual([fresh]);
  });
});
