// Code brute force (S8): per code, per target across re-sent codes, spread over client IPs, and
// under concurrency. The failure count of a target is not reset by a new code.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { codes } from "@/db/schema";
import { checkPassword } from "@/lib/accounts/password";
import { CODE_MAX_ATTEMPTS, consumeCode, issueCode, type CodePurpose } from "@/lib/codes";
import { ErrorCodes } from "@/lib/shared/errors";
import { peek } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";
import { ageCode, createUser, minutesAgo, PASSWORD, uniqueEmail } from "../support/fixtures";
import { rejection as refusal } from "../support/rejection";
import { settle, wrongCode } from "./support";

const purpose: CodePurpose = "phone_login";

/** Issues a new code for `target`, first moving the previous one past the 30-second resend cooldown. */
async function reissue(target: string) {
  const previous = await db
    .select({ id: codes.id })
    .from(codes)
    .where(and(eq(codes.purpose, purpose), eq(codes.target, target)));
  for (const p of previous) await ageCode(p.id, { createdAt: minutesAgo(1) });
  return issueCode({ purpose, target });
}

const failuresOf = async (target: string) => (await peek(LIMITS.codeFailuresPerTarget(target))).count;

describe("code brute force", () => {
  it("per code: after 5 wrong tries the right code is refused too", async () => {
    const target = uniqueEmail("per-code");
    const { code } = await issueCode({ purpose, target });
    for (let i = 0; i < CODE_MAX_ATTEMPTS; i++) {
      expect((await refusal(consumeCode({ purpose, target, code: wrongCode(code) }))).code).toBe(ErrorCodes.INVALID_CODE);
    }
    expect((await refusal(consumeCode({ purpose, target, code }))).code).toBe(ErrorCodes.TOO_MANY_ATTEMPTS);
  });

  it("per target across re-sent codes: a new code does not reset the failure count", async () => {
    const target = uniqueEmail("resent");
    const rounds = LIMITS.codeFailuresPerTarget("").max / CODE_MAX_ATTEMPTS;
    for (let round = 0; round < rounds; round++) {
      const { code } = await reissue(target);
      for (let i = 0; i < CODE_MAX_ATTEMPTS; i++) await refusal(consumeCode({ purpose, target, code: wrongCode(code) }));
    }
    expect(await failuresOf(target)).toBe(LIMITS.codeFailuresPerTarget("").max);
    // A fresh code, never tried: even its right value is refused until the window ends.
    const { code } = await reissue(target);
    const err = await refusal(consumeCode({ purpose, target, code }));
    expect(err.code).toBe(ErrorCodes.TOO_MANY_ATTEMPTS);
    expect(err.message).toMatch(/Too many wrong codes\. Try again in \d+ minutes\./);
    // The refused try did not touch the code: it is still unconsumed and untried.
    const [row] = await db
      .select()
      .from(codes)
      .where(and(eq(codes.purpose, purpose), eq(codes.target, target), eq(codes.attempts, 0)));
    expect(row?.consumedAt ?? null).toBeNull();
  });

  it("guesses for a target that was never sent a code count like wrong codes", async () => {
    const target = uniqueEmail("never-sent");
    for (let i = 0; i < 3; i++) expect((await refusal(consumeCode({ purpose, target, code: "123456" }))).code).toBe(ErrorCodes.INVALID_CODE);
    expect(await failuresOf(target)).toBe(3);
  });

  it("spread over many client IPs: password guesses stay limited per identifier", async () => {
    const user = await createUser();
    const identifierKey = `email:${user.email}`;
    for (let i = 0; i < LIMITS.signInPerIdentifier("").max; i++) {
      const err = await refusal(checkPassword({ user, identifierKey, password: `wrong ${i}`, ip: `198.51.100.${i + 1}` }));
      expect(err.code).toBe(ErrorCodes.INVALID_CREDENTIALS);
    }
    // From yet another address, and with the right password: still refused.
    const err = await refusal(checkPassword({ user, identifierKey, password: PASSWORD, ip: "203.0.113.99" }));
    expect(err.code).toBe(ErrorCodes.RATE_LIMITED);
  });
});

describe("code races (no lost counter updates)", () => {
  // 20 parallel right submissions and 50 parallel wrong guesses on one code: tests/integration/codes.test.ts
  // ("one-time codes under concurrency"); 20 parallel uses of one recovery code: tests/integration/recovery-codes.test.ts.

  it("50 parallel wrong guesses: the code's tries stop at 5 and the target's failure count at 5", async () => {
    const target = uniqueEmail("race-wrong");
    const { id, code } = await issueCode({ purpose, target });
    const { ok, errors } = await settle(Array.from({ length: 50 }, (_, i) => consumeCode({ purpose, target, code: wrongCode(code, (i % 9) + 1) })));
    expect(ok).toHaveLength(0);
    const kinds = errors.map((e) => (e as { code: string }).code);
    expect(kinds.filter((k) => k === ErrorCodes.INVALID_CODE)).toHaveLength(CODE_MAX_ATTEMPTS);
    expect(kinds.filter((k) => k === ErrorCodes.TOO_MANY_ATTEMPTS)).toHaveLength(50 - CODE_MAX_ATTEMPTS);
    const [row] = await db.select().from(codes).where(eq(codes.id, id));
    expect(row!.attempts).toBe(CODE_MAX_ATTEMPTS);
    expect(await failuresOf(target)).toBe(CODE_MAX_ATTEMPTS);
  });

  it("20 parallel guesses for a never-sent target are all counted", async () => {
    const target = uniqueEmail("race-none");
    await settle(Array.from({ length: 20 }, () => consumeCode({ purpose, target, code: "000000" })));
    expect(await failuresOf(target)).toBe(20);
  });

  it("20 parallel submissions of the right code mixed with wrong ones: exactly one success", async () => {
    const target = uniqueEmail("race-mixed");
    const { code } = await issueCode({ purpose, target });
    const tries = Array.from({ length: 20 }, (_, i) => consumeCode({ purpose, target, code: i % 5 === 0 ? wrongCode(code) : code }));
    const { ok } = await settle(tries);
    expect(ok).toHaveLength(1);
  });
});
