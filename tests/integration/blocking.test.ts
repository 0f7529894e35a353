// A9: scheduled blocking — the admin's date, the refusal at sign-in, ended sessions, and the daily notices.
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";

const CRON_SECRET = vi.hoisted(() => {
  const secret = "cron-secret-for-tests-0123456789";
  process.env.CRON_SECRET = secret;
  return secret;
});

import { db } from "@/lib/db";
import { blockingNotices, users } from "@/db/schema";
import { GET as cronDaily } from "@/app/api/cron/daily/route";
import { checkPassword } from "@/lib/accounts/password";
import { validateSession } from "@/lib/auth/sessions";
import { dayOf, formatDay, sendBlockingNotices, setBlockingDate, setBlockingNotice } from "@/lib/blocking";
import type { EmailMessage } from "@/lib/delivery/email";
import { ErrorCodes } from "@/lib/shared/errors";
import { PASSWORD, createUser, emailsTo, signedInSession } from "../support/fixtures";
import { rejection } from "../support/rejection";

const DAY = 86_400_000;
const addDays = (day: string, n: number) => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY));
const at = (day: string, time = "09:00:00") => new Date(`${day}T${time}Z`);

function collector() {
  const sent: EmailMessage[] = [];
  return { sent, send: async (m: EmailMessage) => void sent.push(m) };
}

describe("setting the blocking date", () => {
  it("sets and clears a date; a past date is refused with a clear message", async () => {
    const u = await createUser();
    const today = dayOf(new Date());
    const err = await rejection(setBlockingDate(u.id, addDays(today, -1), "admin"));
    expect([err.field, err.message]).toEqual(["blockOn", "The blocking date cannot be in the past. Choose today or a later date."]);
    expect((await rejection(setBlockingDate(u.id, "2026-02-30", "admin"))).message).toBe("Enter a valid date.");
    await setBlockingDate(u.id, addDays(today, 10), "admin");
    expect((await db.select().from(users).where(eq(users.id, u.id)))[0]!.blockOn).toBe(addDays(today, 10));
    await setBlockingDate(u.id, null, "admin");
    expect((await db.select().from(users).where(eq(users.id, u.id)))[0]!.blockOn).toBeNull();
  });

  it("formats dates for people", () => {
    expect(formatDay("2026-11-24")).toBe("24 November 2026");
    expect(formatDay(new Date("2027-01-05T23:59:00Z"))).toBe("5 January 2027");
  });
});

describe("from the blocking date on", () => {
  it("refuses the password sign-in with the date and ends existing sessions", async () => {
    const u = await createUser();
    const token = await signedInSession(u.id);
    expect(await validateSession(token)).not.toBeNull();
    const today = dayOf(new Date());
    await setBlockingDate(u.id, addDays(today, 1), "admin");
    // Before the date nothing changes.
    expect(await validateSession(token)).not.toBeNull();
    await checkPassword({ user: (await db.select().from(users).where(eq(users.id, u.id)))[0]!, identifierKey: `t:${u.id}`, password: PASSWORD });

    // The date has come (moved into the past, as time would).
    const past = addDays(today, -2);
    await db.update(users).set({ blockOn: past }).where(eq(users.id, u.id));
    expect(await validateSession(token)).toBeNull();
    const row = (await db.select().from(users).where(eq(users.id, u.id)))[0]!;
    const err = await rejection(checkPassword({ user: row, identifierKey: `t:${u.id}`, password: PASSWORD }));
    expect(err.code).toBe(ErrorCodes.ACCOUNT_BLOCKED);
    expect(err.message).toBe(`This account was blocked on ${formatDay(past)}. Contact your administrator.`);
    // The wrong password still says nothing more.
    expect((await rejection(checkPassword({ user: row, identifierKey: `t:${u.id}`, password: "wrong password!" }))).code).toBe(ErrorCodes.INVALID_CREDENTIALS);
  });
});

describe("daily blocking notices", () => {
  it("send exactly one email a day during the 5 days before the date, none on a second run the same day", async () => {
    const u = await createUser({ name: "Notice Reader" });
    const blockOn = addDays(dayOf(new Date()), 30);
    await setBlockingDate(u.id, blockOn, "admin");
    const perDay: Record<string, number> = {};
    for (let d = -8; d <= 1; d++) {
      const day = addDays(blockOn, d);
      const mail = collector();
      await sendBlockingNotices({ now: at(day), send: mail.send });
      await sendBlockingNotices({ now: at(day, "21:30:00"), send: mail.send });
      const mine = mail.sent.filter((m) => m.to === u.email);
      perDay[d] = mine.length;
      if (mine.length) {
        expect(mine[0]!.subject).toBe(`Your Latchkey account will be blocked on ${formatDay(blockOn)}`);
        expect(mine[0]!.text).toContain("Notice Reader");
      }
    }
    expect(perDay).toEqual({ "-8": 0, "-7": 0, "-6": 0, "-5": 1, "-4": 1, "-3": 1, "-2": 1, "-1": 1, "0": 0, "1": 0 });
    const rows = await db.select().from(blockingNotices).where(eq(blockingNotices.userId, u.id));
    expect(rows.map((r) => r.day).sort()).toEqual([-5, -4, -3, -2, -1].map((d) => addDays(blockOn, d)));
  });

  it("send nothing to users who turned the option off", async () => {
    const u = await createUser();
    const blockOn = addDays(dayOf(new Date()), 20);
    await setBlockingDate(u.id, blockOn, "admin");
    await setBlockingNotice(u.id, false);
    const mail = collector();
    for (let d = -5; d <= -1; d++) await sendBlockingNotices({ now: at(addDays(blockOn, d)), send: mail.send });
    expect(mail.sent.filter((m) => m.to === u.email)).toHaveLength(0);
  });

  it("retry on the next run when sending failed", async () => {
    const u = await createUser();
    const blockOn = addDays(dayOf(new Date()), 40);
    await setBlockingDate(u.id, blockOn, "admin");
    const day = addDays(blockOn, -3);
    const failing = async (m: EmailMessage) => {
      if (m.to === u.email) throw new Error("provider down");
    };
    const first = await sendBlockingNotices({ now: at(day), send: failing });
    expect(first.failed).toBeGreaterThanOrEqual(1);
    expect(
      await db
        .select()
        .from(blockingNotices)
        .where(and(eq(blockingNotices.userId, u.id), eq(blockingNotices.day, day))),
    ).toHaveLength(0);
    const mail = collector();
    await sendBlockingNotices({ now: at(day, "10:00:00"), send: mail.send });
    expect(mail.sent.filter((m) => m.to === u.email)).toHaveLength(1);
  });
});

describe("GET /api/cron/daily", () => {
  const call = (authorization?: string) =>
    cronDaily(new Request("http://latchkey.test/api/cron/daily", { headers: authorization === undefined ? {} : { authorization } }));

  it("401 without the right bearer secret", async () => {
    for (const auth of [undefined, "", "Bearer", "Bearer wrong-secret-0123456789", `bearer ${CRON_SECRET}`, `Bearer ${CRON_SECRET}x`, CRON_SECRET]) {
      const res = await call(auth);
      expect(res.status, String(auth)).toBe(401);
    }
  });

  it("with the secret, sends today's notices through the email provider once, however often it is called", async () => {
    const u = await createUser();
    // Tomorrow: within the 5 days before the date, whatever day the test runs.
    await setBlockingDate(u.id, addDays(dayOf(new Date()), 1), "admin");
    const first = await call(`Bearer ${CRON_SECRET}`);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { blockingNotices: { sent: number } }).blockingNotices.sent).toBeGreaterThanOrEqual(1);
    expect((await call(`Bearer ${CRON_SECRET}`)).status).toBe(200);
    const notices = (await emailsTo(u.email!)).filter((m) => m.subject?.startsWith("Your Latchkey account will be blocked on"));
    expect(notices).toHaveLength(1);
  });
});
