import "server-only";
// Security notices — password changed or reset, email changed, repeated failed second steps, a phone
// number tried by another account — are never silently lost: a failed delivery is logged with its
// reason and kept, and the daily job tries it again (up to 5 times within 7 days).
import { and, asc, eq, gt, isNull, lt } from "drizzle-orm";
import { db } from "@/lib/db";
import { securityNotices } from "@/db/schema";
import { sendEmail, type EmailMessage } from "@/lib/delivery/email";

export type NoticeKind = "password_changed" | "password_reset" | "email_changed" | "two_factor_failures" | "phone_in_use";

const MAX_ATTEMPTS = 5;
const GIVE_UP_AFTER_MS = 7 * 86_400_000;

const reasonOf = (err: unknown) => {
  const e = err as { message?: string; cause?: { message?: string } };
  return String(e?.cause?.message ?? e?.message ?? err).slice(0, 500);
};
const masked = (to: string) => to.replace(/^(.).*(@.*)$/, "$1…$2");

/** Sends a security notice now; if that fails, logs why and keeps it for the daily job. Never throws. */
export async function sendSecurityNotice(n: { userId: string | null; to: string; kind: NoticeKind; message: Omit<EmailMessage, "to"> }): Promise<boolean> {
  try {
    await sendEmail({ to: n.to, ...n.message });
    return true;
  } catch (err) {
    const reason = reasonOf(err);
    console.error(`security notice "${n.kind}" to ${masked(n.to)} not delivered (${reason}); the daily job will retry it`);
    try {
      await db
        .insert(securityNotices)
        .values({ userId: n.userId, kind: n.kind, to: n.to, subject: n.message.subject, text: n.message.text, html: n.message.html, lastError: reason });
    } catch (storeErr) {
      console.error(`security notice "${n.kind}" to ${masked(n.to)} could not be kept for a retry: ${reasonOf(storeErr)}`);
    }
    return false;
  }
}

export type NoticeRetryRun = { sent: number; failed: number; givenUp: number };

/** The daily job: tries again every kept notice that is not sent yet. */
export async function retrySecurityNotices(now = new Date()): Promise<NoticeRetryRun> {
  const run: NoticeRetryRun = { sent: 0, failed: 0, givenUp: 0 };
  const since = new Date(now.getTime() - GIVE_UP_AFTER_MS);
  const pending = await db
    .select()
    .from(securityNotices)
    .where(and(isNull(securityNotices.sentAt), gt(securityNotices.createdAt, since), lt(securityNotices.attempts, MAX_ATTEMPTS)))
    .orderBy(asc(securityNotices.createdAt))
    .limit(500);
  for (const n of pending) {
    try {
      await sendEmail({ to: n.to, subject: n.subject, text: n.text, html: n.html });
      await db.update(securityNotices).set({ sentAt: now, lastAttemptAt: now }).where(eq(securityNotices.id, n.id));
      run.sent++;
    } catch (err) {
      const attempts = n.attempts + 1;
      await db
        .update(securityNotices)
        .set({ attempts, lastError: reasonOf(err), lastAttemptAt: now })
        .where(eq(securityNotices.id, n.id));
      if (attempts >= MAX_ATTEMPTS) {
        run.givenUp++;
        console.error(`security notice "${n.kind}" to ${masked(n.to)} given up after ${attempts} attempts: ${reasonOf(err)}`);
      } else run.failed++;
    }
  }
  return run;
}
