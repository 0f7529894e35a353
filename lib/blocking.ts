import "server-only";
// A9: scheduled blocking — the admin-set date from which an account is blocked, the refusal at
// sign-in, the user's email-notice option and the daily job that sends the notices.
import { and, eq, gt, isNotNull, lte, ne } from "drizzle-orm";
import { db } from "@/lib/db";
import { blockingNotices, users, type User } from "@/db/schema";
import { audit } from "@/lib/audit";
import { SYSTEM_ACTOR } from "@/lib/audit/actions";
import { sendEmail, type EmailMessage } from "@/lib/delivery/email";
import { blockingNoticeTemplate } from "@/lib/delivery/email/templates";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { dayOf, formatDay } from "@/lib/shared/format";

export { dayOf, formatDay };

/** Notices go out on each of the days before the blocking date, this many of them. */
export const NOTICE_DAYS = 5;

const DAY_MS = 86_400_000;

const addDays = (day: string, n: number) => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));

/** Whether the account's scheduled blocking date has come (the account counts as blocked from that day on). */
export function blockingDateReached(user: Pick<User, "blockOn">, now = new Date()): boolean {
  return Boolean(user.blockOn && user.blockOn <= dayOf(now));
}

/** Blocked now: by an admin's Block button, or because the scheduled date has come. */
export function isBlocked(user: Pick<User, "status" | "blockOn">, now = new Date()): boolean {
  return user.status === "blocked" || blockingDateReached(user, now);
}

/** The sign-in refusal: "This account was blocked on 24 November 2026. Contact your administrator." */
export function blockedMessage(user: Pick<User, "status" | "blockOn" | "blockedAt">, now = new Date()): string {
  const on = user.status === "blocked" ? user.blockedAt : blockingDateReached(user, now) ? user.blockOn : null;
  return `This account was blocked${on ? ` on ${formatDay(on)}` : ""}. Contact your administrator.`;
}

/** Refuses a sign-in (password, phone code, security key, …) for a blocked account with a clear message. */
export async function assertNotBlocked(
  user: Pick<User, "id" | "status" | "blockOn" | "blockedAt">,
  opts: { ip?: string | null; now?: Date } = {},
): Promise<void> {
  const now = opts.now ?? new Date();
  if (!isBlocked(user, now)) return;
  await audit({ action: "signin.refused", userId: user.id, ip: opts.ip, detail: { reason: user.status === "blocked" ? "blocked" : "blocking_date" } });
  throw new UserError(ErrorCodes.ACCOUNT_BLOCKED, blockedMessage(user, now));
}

/** Admin: sets (YYYY-MM-DD) or clears (null) the blocking date. A day before today (UTC) is refused. */
export async function setBlockingDate(userId: string, day: string | null, actorId: string | null, now = new Date()) {
  if (day !== null && actorId === userId) throw new UserError(ErrorCodes.NOT_ALLOWED, "You cannot schedule blocking for your own account.", "blockOn");
  if (day !== null) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || dayOf(new Date(`${day}T00:00:00Z`)) !== day) {
      throw new UserError(ErrorCodes.INVALID_INPUT, "Enter a valid date.", "blockOn");
    }
    if (day < dayOf(now)) throw new UserError(ErrorCodes.INVALID_INPUT, "The blocking date cannot be in the past. Choose today or a later date.", "blockOn");
  }
  const [before] = await db.select({ blockOn: users.blockOn }).from(users).where(eq(users.id, userId));
  if (!before) throw new UserError(ErrorCodes.NOT_FOUND, "Account not found.");
  await db.update(users).set({ blockOn: day }).where(eq(users.id, userId));
  if (before.blockOn !== day) {
    await audit({ action: day ? "account.blocking_date_set" : "account.blocking_date_cleared", userId, actorId, detail: { from: before.blockOn, to: day } });
  }
}

/** The user's option *Notify about account blocking by email*. */
export async function setBlockingNotice(userId: string, on: boolean) {
  const [before] = await db.select({ on: users.notifyBlocking }).from(users).where(eq(users.id, userId));
  if (!before) throw new UserError(ErrorCodes.NOT_FOUND, "Account not found.");
  if (before.on === on) return;
  await db.update(users).set({ notifyBlocking: on }).where(eq(users.id, userId));
  await audit({ action: "account.blocking_notice_changed", userId, actorId: userId, detail: { from: before.on, to: on } });
}

export type NoticeRun = { sent: number; failed: number; skipped: number };

/**
 * The daily job: one email per account and UTC day to each account whose blocking date is 1 to
 * NOTICE_DAYS days ahead and whose owner keeps the option on. Safe to run any number of times a
 * day: the day's row is claimed first (insert … on conflict do nothing); a failed send gives it
 * back so the next run retries.
 */
export async function sendBlockingNotices(opts: { now?: Date; send?: (m: EmailMessage) => Promise<void> } = {}): Promise<NoticeRun> {
  const now = opts.now ?? new Date();
  const send = opts.send ?? sendEmail;
  const today = dayOf(now);
  const due = await db
    .select({ id: users.id, name: users.name, email: users.email, blockOn: users.blockOn })
    .from(users)
    .where(
      and(
        eq(users.notifyBlocking, true),
        ne(users.status, "blocked"),
        isNotNull(users.email),
        gt(users.blockOn, today),
        lte(users.blockOn, addDays(today, NOTICE_DAYS)),
      ),
    );
  const run: NoticeRun = { sent: 0, failed: 0, skipped: 0 };
  for (const u of due) {
    const claimed = await db
      .insert(blockingNotices)
      .values({ userId: u.id, day: today, blockOn: u.blockOn! })
      .onConflictDoNothing()
      .returning({ userId: blockingNotices.userId });
    if (!claimed.length) {
      run.skipped++;
      continue;
    }
    try {
      await send({ to: u.email!, ...(await blockingNoticeTemplate({ name: u.name, date: formatDay(u.blockOn!) })) });
      run.sent++;
      await audit({ action: "account.blocking_notice_sent", userId: u.id, actorId: SYSTEM_ACTOR, detail: { blockOn: u.blockOn, day: today } });
    } catch (err) {
      await db.delete(blockingNotices).where(and(eq(blockingNotices.userId, u.id), eq(blockingNotices.day, today)));
      run.failed++;
      console.error("blocking notice not sent", u.id, err instanceof Error ? err.message : err);
    }
  }
  return run;
}
