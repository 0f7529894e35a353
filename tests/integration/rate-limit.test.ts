import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { rateLimits } from "@/db/schema";
import { clear, hit, peek, retryAfterText, type Limit } from "@/lib/limits/store";

/** A limit counted under `k`, as the catalogue binds one. */
const keyed = (k: string, limit: Limit) => ({ ...limit, key: k, name: "test" });
const key = (label: string) => `test:${label}:${randomUUID()}`;

/** Moves a window's end into the past, as if its time had run out. */
async function expireWindow(k: string) {
  await db
    .update(rateLimits)
    .set({ resetAt: new Date(Date.now() - 1000) })
    .where(eq(rateLimits.key, k));
}

describe("rate limits in Postgres (O2, S8)", () => {
  it("counts hits and refuses past the maximum", async () => {
    const k = key("count");
    const limit: Limit = { max: 3, windowSeconds: 600 };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await hit(keyed(k, limit)));
    expect(results.map((r) => r.success)).toEqual([true, true, true, false, false]);
    expect(results.map((r) => r.count)).toEqual([1, 2, 3, 4, 5]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0, 0]);
  });

  it("sets the window's end from windowSeconds and keeps it fixed while the window runs", async () => {
    const k = key("window");
    const first = await hit(keyed(k, { max: 5, windowSeconds: 600 }));
    const secondsLeft = (first.resetAt.getTime() - Date.now()) / 1000;
    expect(secondsLeft).toBeGreaterThan(590);
    expect(secondsLeft).toBeLessThanOrEqual(601);
    const second = await hit(keyed(k, { max: 5, windowSeconds: 600 }));
    expect(second.resetAt.getTime()).toBe(first.resetAt.getTime());
  });

  it("keys are independent", async () => {
    const a = key("a");
    const b = key("b");
    const limit: Limit = { max: 1, windowSeconds: 600 };
    expect((await hit(keyed(a, limit))).success).toBe(true);
    expect((await hit(keyed(a, limit))).success).toBe(false);
    expect((await hit(keyed(b, limit))).success).toBe(true);
  });

  it("50 parallel hits give exactly `max` successes and count all 50", async () => {
    const k = key("parallel");
    const limit: Limit = { max: 7, windowSeconds: 600 };
    const results = await Promise.all(Array.from({ length: 50 }, () => hit(keyed(k, limit))));
    expect(results.filter((r) => r.success)).toHaveLength(7);
    // Every hit saw a distinct count: the increments never overlapped.
    expect(new Set(results.map((r) => r.count)).size).toBe(50);
    expect(Math.max(...results.map((r) => r.count))).toBe(50);
    expect((await peek(keyed(k, limit))).count).toBe(50);
  });

  it("starts a new window once the old one has ended", async () => {
    const k = key("reset");
    const limit: Limit = { max: 2, windowSeconds: 600 };
    await hit(keyed(k, limit));
    await hit(keyed(k, limit));
    expect((await hit(keyed(k, limit))).success).toBe(false);
    await expireWindow(k);
    const fresh = await hit(keyed(k, limit));
    expect(fresh).toMatchObject({ success: true, count: 1, remaining: 1 });
    expect(fresh.resetAt.getTime()).toBeGreaterThan(Date.now() + 590_000);
  });

  it("peek reads without counting, and says whether one more may happen", async () => {
    const k = key("peek");
    const limit: Limit = { max: 2, windowSeconds: 600 };
    expect(await peek(keyed(k, limit))).toMatchObject({ success: true, count: 0, remaining: 2 });
    await hit(keyed(k, limit));
    expect(await peek(keyed(k, limit))).toMatchObject({ success: true, count: 1, remaining: 1 });
    expect(await peek(keyed(k, limit))).toMatchObject({ success: true, count: 1 });
    await hit(keyed(k, limit));
    expect(await peek(keyed(k, limit))).toMatchObject({ success: false, count: 2, remaining: 0 });
    // A third hit is the first refused one: peek at max agrees with it.
    expect((await hit(keyed(k, limit))).success).toBe(false);
  });

  it("peek sees an ended window as empty", async () => {
    const k = key("peek-reset");
    const limit: Limit = { max: 1, windowSeconds: 600 };
    await hit(keyed(k, limit));
    expect((await peek(keyed(k, limit))).success).toBe(false);
    await expireWindow(k);
    expect(await peek(keyed(k, limit))).toMatchObject({ success: true, count: 0 });
  });

  it("clear removes a counter", async () => {
    const k = key("clear");
    const limit: Limit = { max: 1, windowSeconds: 600 };
    await hit(keyed(k, limit));
    await clear({ key: k });
    expect((await hit(keyed(k, limit))).success).toBe(true);
  });

  it("retryAfterText speaks in seconds, then minutes", () => {
    expect(retryAfterText(new Date(Date.now() + 30_000))).toMatch(/^(29|30) seconds$/);
    expect(retryAfterText(new Date(Date.now() - 5_000))).toMatch(/^1 seconds?$/);
    expect(retryAfterText(new Date(Date.now() + 10 * 60_000))).toBe("10 minutes");
  });
});
