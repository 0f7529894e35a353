// Recovery codes (T7): 10 single-use codes, shown once, stored hashed, consumed atomically.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { recoveryCodes } from "@/db/schema";
import { hashSecret } from "@/lib/crypto";
import { ErrorCodes, type UserError } from "@/lib/shared/errors";
import { generateRecoveryCodes, remainingRecoveryCodes, redeemRecoveryCode } from "@/lib/factors/recovery-codes";
import { createUser } from "../support/fixtures";
import { rejection } from "../support/rejection";

// Lower-case Crockford base32: no i, l, o, u.
const CODE_FORMAT = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;
const rowsOf = (userId: string) => db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId));

describe("recovery codes", () => {
  it("gives 10 distinct codes in the xxxxx-xxxxx format and stores only their hashes", async () => {
    const user = await createUser();
    const codes = await generateRecoveryCodes(user.id);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(CODE_FORMAT);
    expect(await remainingRecoveryCodes(user.id)).toBe(10);

    const rows = await rowsOf(user.id);
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.codeHash).sort()).toEqual(codes.map((c) => hashSecret(`recovery:${c}`)).sort());
    const stored = JSON.stringify(rows);
    for (const code of codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace("-", ""));
    }
  });

  it("codes look random: across many codes every symbol of the alphabet turns up", async () => {
    const user = await createUser();
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) for (const code of await generateRecoveryCodes(user.id)) for (const c of code.replace("-", "")) seen.add(c);
    // 500 symbols drawn from 32: missing one by chance has probability < 32·(31/32)^500 ≈ 4e-6.
    expect(seen.size).toBe(32);
  });

  it("each code works once", async () => {
    const user = await createUser();
    const codes = await generateRecoveryCodes(user.id);
    for (const [i, code] of codes.entries()) {
      await redeemRecoveryCode(user.id, code);
      expect(await remainingRecoveryCodes(user.id)).toBe(9 - i);
      const err = await rejection(redeemRecoveryCode(user.id, code));
      expect(err.code).toBe(ErrorCodes.INVALID_CODE);
      expect(err.field).toBe("code");
      expect(err.message).toBe("That recovery code is not valid or was already used.");
    }
    expect((await rowsOf(user.id)).every((r) => r.usedAt !== null)).toBe(true);
  });

  it("accepts a code typed in upper case, without the dash or with spaces, and with o/i/l for 0/1", async () => {
    const user = await createUser();
    const codes = await generateRecoveryCodes(user.id);
    await redeemRecoveryCode(user.id, `  ${codes[0]!.toUpperCase()}  `);
    await redeemRecoveryCode(user.id, codes[1]!.replace("-", ""));
    await redeemRecoveryCode(user.id, codes[2]!.replace("-", " "));
    const lookalike = codes.slice(3).find((c) => /[01]/.test(c));
    if (lookalike) await redeemRecoveryCode(user.id, lookalike.replace(/0/g, "O").replace(/1/g, "l"));
    expect(await remainingRecoveryCodes(user.id)).toBe(lookalike ? 6 : 7);
  });

  it("20 parallel uses of one code give exactly one success", async () => {
    const user = await createUser();
    const [code] = await generateRecoveryCodes(user.id);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => redeemRecoveryCode(user.id, code!)));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect((r.reason as UserError).code).toBe(ErrorCodes.INVALID_CODE);
    expect(await remainingRecoveryCodes(user.id)).toBe(9);
  });

  it("regenerating replaces every old code, used or not", async () => {
    const user = await createUser();
    const old = await generateRecoveryCodes(user.id);
    await redeemRecoveryCode(user.id, old[0]!);
    const fresh = await generateRecoveryCodes(user.id);
    expect(fresh.some((c) => old.includes(c))).toBe(false);
    expect(await remainingRecoveryCodes(user.id)).toBe(10);
    expect(await rowsOf(user.id)).toHaveLength(10);
    for (const code of old.slice(1)) expect((await rejection(redeemRecoveryCode(user.id, code))).code).toBe(ErrorCodes.INVALID_CODE);
    await redeemRecoveryCode(user.id, fresh[0]!);
    expect(await remainingRecoveryCodes(user.id)).toBe(9);
  });

  it("a code belongs to its user only", async () => {
    const a = await createUser();
    const b = await createUser();
    const [codeOfA] = await generateRecoveryCodes(a.id);
    await generateRecoveryCodes(b.id);
    expect((await rejection(redeemRecoveryCode(b.id, codeOfA!))).code).toBe(ErrorCodes.INVALID_CODE);
    await redeemRecoveryCode(a.id, codeOfA!);
  });

  it("refuses malformed input as INVALID_INPUT and a user without codes as INVALID_CODE", async () => {
    const user = await createUser();
    for (const bad of ["", "abcde", "abcde-12345-x", "abcd!-12345", "uuuuu-uuuuu"]) {
      const err = await rejection(redeemRecoveryCode(user.id, bad));
      expect(err.code).toBe(ErrorCodes.INVALID_INPUT);
      expect(err.field).toBe("code");
    }
    expect((await rejection(redeemRecoveryCode(user.id, "abcde-12345"))).code).toBe(ErrorCodes.INVALID_CODE);
    expect(await remainingRecoveryCodes(user.id)).toBe(0);
  });
});
