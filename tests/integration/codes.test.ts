import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { codes } from "@/db/schema";
import { CODE_MAX_ATTEMPTS, consumeCode, consumeLink, discardCode, issueCode, linkIsUsable, type CodePurpose } from "@/lib/codes";
import { cooldownEnd, deliverCode, reserveCode } from "@/lib/codes/send";
import { LIMITS } from "@/lib/limits/catalogue";
import { clear } from "@/lib/limits/store";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { ageCode, minutesAgo, uniqueEmail } from "../support/fixtures";
import { rejection } from "../support/rejection";

const purpose: CodePurpose = "email_confirm";

/** A code different from `code` in every digit. */
const wrong = (code: string) => code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));

const row = async (id: string) => (await db.select().from(codes).where(eq(codes.id, id)))[0]!;

describe("one-time codes (S8)", () => {
  it("issues 6 CSPRNG digits, valid 10 minutes, and consumes the right code once", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    expect(issued.code).toMatch(/^\d{6}$/);
    const r = await row(issued.id);
    const ttl = r.expiresAt.getTime() - r.createdAt.getTime();
    expect(ttl).toBeGreaterThan(9.9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000 + 1000);

    const consumed = await consumeCode({ purpose, target, code: issued.code });
    expect(consumed).toMatchObject({ id: issued.id, target });
    expect((await row(issued.id)).consumedAt).not.toBeNull();
  });

  it("accepts the code with spaces typed in it", async () => {
    const target = uniqueEmail();
    const { code } = await issueCode({ purpose, target });
    await expect(consumeCode({ purpose, target, code: `${code.slice(0, 3)} ${code.slice(3)}` })).resolves.toBeTruthy();
  });

  it("refuses a malformed code without counting a try", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    expect((await rejection(consumeCode({ purpose, target, code: "12ab56" }))).code).toBe(ErrorCodes.INVALID_INPUT);
    expect((await row(issued.id)).attempts).toBe(0);
  });

  it("a wrong code gives INVALID_CODE and counts the attempt", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    expect((await rejection(consumeCode({ purpose, target, code: wrong(issued.code) }))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await row(issued.id)).attempts).toBe(1);
    expect((await rejection(consumeCode({ purpose, target, code: wrong(issued.code) }))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await row(issued.id)).attempts).toBe(2);
    // Still usable after fewer than 5 wrong tries.
    await expect(consumeCode({ purpose, target, code: issued.code })).resolves.toMatchObject({ id: issued.id });
  });

  it("after 5 wrong tries even the right code is refused with TOO_MANY_ATTEMPTS", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    for (let i = 0; i < CODE_MAX_ATTEMPTS; i++) {
      expect((await rejection(consumeCode({ purpose, target, code: wrong(issued.code) }))).code).toBe(ErrorCodes.INVALID_CODE);
    }
    expect((await rejection(consumeCode({ purpose, target, code: issued.code }))).code).toBe(ErrorCodes.TOO_MANY_ATTEMPTS);
    const r = await row(issued.id);
    expect(r.attempts).toBe(5);
    expect(r.consumedAt).toBeNull();
  });

  it("an expired code gives CODE_EXPIRED, even when right", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    await ageCode(issued.id, { expiresAt: new Date(Date.now() - 1000) });
    expect((await rejection(consumeCode({ purpose, target, code: issued.code }))).code).toBe(ErrorCodes.CODE_EXPIRED);
    expect((await row(issued.id)).consumedAt).toBeNull();
  });

  it("a used code gives CODE_USED", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    await consumeCode({ purpose, target, code: issued.code });
    expect((await rejection(consumeCode({ purpose, target, code: issued.code }))).code).toBe(ErrorCodes.CODE_USED);
  });

  it("a code is bound to its purpose and its target", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    expect((await rejection(consumeCode({ purpose: "recovery", target, code: issued.code }))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await rejection(consumeCode({ purpose, target: uniqueEmail(), code: issued.code }))).code).toBe(ErrorCodes.INVALID_CODE);
    await expect(consumeCode({ purpose, target, code: issued.code })).resolves.toMatchObject({ id: issued.id });
  });

  it("asking again within 30 seconds gives RESEND_COOLDOWN", async () => {
    const target = uniqueEmail();
    await reserveCode({ purpose, channel: "email", target });
    const err = await rejection(reserveCode({ purpose, channel: "email", target }));
    expect(err.code).toBe(ErrorCodes.RESEND_COOLDOWN);
    expect(err.message).toMatch(/wait \d+ seconds/);
    // The cooldown is per (purpose, target): another purpose may send at once.
    await expect(reserveCode({ purpose: "recovery", channel: "email", target })).resolves.toBeTruthy();
  });

  it("the cooldown's end is told with the refusal and can be read without asking (the resend button counts down to it)", async () => {
    const target = uniqueEmail();
    expect(await cooldownEnd(purpose, target)).toBeNull();
    const before = Date.now();
    await reserveCode({ purpose, channel: "email", target });
    const end = await cooldownEnd(purpose, target);
    expect(end).not.toBeNull();
    expect(end!).toBeGreaterThan(before + 25_000);
    expect(end!).toBeLessThanOrEqual(Date.now() + 30_000 + 1_000);
    const err = await rejection(reserveCode({ purpose, channel: "email", target }));
    expect(err.code).toBe(ErrorCodes.RESEND_COOLDOWN);
    expect((err as UserError).retryAt?.getTime()).toBe(end);
    // Reading it spends nothing: it is the same after being read twice.
    expect(await cooldownEnd(purpose, target)).toBe(end);
    await clear(LIMITS.codeCooldown(purpose, target));
    expect(await cooldownEnd(purpose, target)).toBeNull();
  });

  it("parallel requests for a code reserve exactly one; the others wait for the cooldown", async () => {
    const target = uniqueEmail();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => reserveCode({ purpose, channel: "email", target })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe(ErrorCodes.RESEND_COOLDOWN);
  });

  it("a failed delivery gives the cooldown back and leaves no code", async () => {
    const target = uniqueEmail();
    const reservation = await reserveCode({ purpose, channel: "email", target });
    const failing = () => {
      throw new UserError(ErrorCodes.DELIVERY_FAILED, "The email could not be sent.");
    };
    expect((await rejection(deliverCode(reservation, { template: failing }))).code).toBe(ErrorCodes.DELIVERY_FAILED);
    expect(await db.select().from(codes).where(eq(codes.target, target))).toEqual([]);
    await expect(reserveCode({ purpose, channel: "email", target })).resolves.toBeTruthy();
  });

  it("what a code unlocks is written with its consumption: a failure there leaves the code usable", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    await expect(
      consumeCode({ purpose, target, code: issued.code }, async () => {
        throw new Error("the database went away");
      }),
    ).rejects.toThrow("the database went away");
    await expect(consumeCode({ purpose, target, code: issued.code })).resolves.toMatchObject({ id: issued.id });
  });

  it("after the cooldown a new code replaces the old one", async () => {
    const target = uniqueEmail();
    const first = await issueCode({ purpose, target });
    await ageCode(first.id, { createdAt: new Date(Date.now() - 31_000) });
    const second = await issueCode({ purpose, target });
    expect((await rejection(consumeCode({ purpose, target, code: first.code === second.code ? wrong(second.code) : first.code }))).code).toBe(
      ErrorCodes.INVALID_CODE,
    );
    await expect(consumeCode({ purpose, target, code: second.code })).resolves.toMatchObject({ id: second.id });
  });

  it("at most 5 sends per target per 10 minutes, cooldown or not", async () => {
    const target = uniqueEmail();
    for (let i = 0; i < 5; i++) {
      await reserveCode({ purpose, channel: "email", target });
      await clear(LIMITS.codeCooldown(purpose, target));
    }
    expect((await rejection(reserveCode({ purpose, channel: "email", target }))).code).toBe(ErrorCodes.RATE_LIMITED);
  });

  it("a discarded code (failed delivery) leaves the previous code usable", async () => {
    const target = uniqueEmail();
    const first = await issueCode({ purpose, target });
    await ageCode(first.id, { createdAt: new Date(Date.now() - 31_000) });
    const second = await issueCode({ purpose, target });
    await discardCode(second.id);
    expect(await db.select().from(codes).where(eq(codes.id, second.id))).toEqual([]);
    await expect(consumeCode({ purpose, target, code: first.code })).resolves.toMatchObject({ id: first.id });
  });

  it("discardCode never removes a consumed code", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    await consumeCode({ purpose, target, code: issued.code });
    await discardCode(issued.id);
    expect((await rejection(consumeCode({ purpose, target, code: issued.code }))).code).toBe(ErrorCodes.CODE_USED);
  });

  it("stores codes and link tokens hashed: the plain values appear nowhere in the row", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target, withLink: true });
    const r = await row(issued.id);
    const stored = JSON.stringify(r);
    expect(issued.linkToken).toBeTruthy();
    expect(stored).not.toContain(issued.linkToken!);
    expect(r.codeHash).not.toContain(issued.code);
    expect(r.codeHash).not.toBe(issued.code);
    expect(r.linkHash).not.toBe(issued.linkToken);
    // Only the hash columns could hold it; they are 256-bit digests, not 6 digits.
    expect(r.codeHash.length).toBeGreaterThanOrEqual(43);
  });

  it("a link token confirms once, like the code, and is bound to its purpose", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target, withLink: true });
    expect(await linkIsUsable(purpose, issued.linkToken!)).toBe(true);
    await rejection(consumeLink({ purpose: "recovery", token: issued.linkToken! }));
    await expect(consumeLink({ purpose, token: issued.linkToken! })).resolves.toMatchObject({ id: issued.id, target });
    expect(await linkIsUsable(purpose, issued.linkToken!)).toBe(false);
    expect((await rejection(consumeLink({ purpose, token: issued.linkToken! }))).code).toBe(ErrorCodes.CODE_USED);
    // The code of a row consumed through its link is used too.
    expect((await rejection(consumeCode({ purpose, target, code: issued.code }))).code).toBe(ErrorCodes.CODE_USED);
  });

  it("an expired link gives CODE_EXPIRED; an unknown one INVALID_CODE", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target, withLink: true });
    await ageCode(issued.id, { expiresAt: minutesAgo(1) });
    expect((await rejection(consumeLink({ purpose, token: issued.linkToken! }))).code).toBe(ErrorCodes.CODE_EXPIRED);
    expect((await rejection(consumeLink({ purpose, token: "A".repeat(43) }))).code).toBe(ErrorCodes.INVALID_CODE);
  });
});

describe("one-time codes under concurrency (ARCHITECTURE 7)", () => {
  it("20 parallel submissions of the right code: exactly one succeeds, the rest see CODE_USED", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => consumeCode({ purpose, target, code: issued.code })));
    const ok = results.filter((r) => r.status === "fulfilled");
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(19);
    for (const f of failed) expect(f.reason).toMatchObject({ code: ErrorCodes.CODE_USED });
  });

  it("50 parallel wrong guesses: all rejected and the attempts column stops at exactly 5", async () => {
    const target = uniqueEmail();
    const issued = await issueCode({ purpose, target });
    const guesses = Array.from({ length: 50 }, (_, i) => {
      let g = String((Number(issued.code) + 1 + i) % 1_000_000).padStart(6, "0");
      if (g === issued.code) g = wrong(issued.code);
      return g;
    });
    const results = await Promise.allSettled(guesses.map((code) => consumeCode({ purpose, target, code })));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    const reasons = results.map((r) => (r as PromiseRejectedResult).reason as UserError);
    expect(reasons.filter((e) => e.code === ErrorCodes.INVALID_CODE)).toHaveLength(5);
    expect(reasons.filter((e) => e.code === ErrorCodes.TOO_MANY_ATTEMPTS)).toHaveLength(45);
    const [r] = await db.select({ attempts: codes.attempts, consumedAt: codes.consumedAt }).from(codes).where(eq(codes.id, issued.id));
    expect(r).toEqual({ attempts: 5, consumedAt: null });
    // The right code is now refused too.
    expect((await rejection(consumeCode({ purpose, target, code: issued.code }))).code).toBe(ErrorCodes.TOO_MANY_ATTEMPTS);
  });
});
