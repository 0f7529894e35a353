import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PASSWORD_MAX, PASSWORD_MIN, codePointLength, hashPassword, passwordProblem, verifyPassword } from "@/lib/passwords";

const commonList = readFileSync(path.join(process.cwd(), "lib/passwords/common-passwords.txt"), "utf8")
  .split("\n")
  .filter((l) => l && !l.startsWith("#"));

describe("password policy (A1, B1)", () => {
  it("accepts a password of exactly the minimum length", () => {
    expect(PASSWORD_MIN).toBe(8);
    expect(passwordProblem("zq7!Kp2w")).toBeNull();
  });

  it("refuses one code point under the minimum", () => {
    expect(passwordProblem("zq7!Kp2")).toMatch(/at least 8/);
  });

  it("accepts exactly the maximum and refuses one more", () => {
    expect(PASSWORD_MAX).toBe(128);
    const base = "Zq7!kP2w".repeat(16); // 128
    expect(codePointLength(base)).toBe(128);
    expect(passwordProblem(base)).toBeNull();
    expect(passwordProblem(base + "x")).toMatch(/at most 128/);
  });

  it("counts code points, not UTF-16 units: 8 emoji are 8 characters", () => {
    const emoji = "🔑🦊🌍🎲🚀🧩🎯🛡"; // 8 astral code points, 16 UTF-16 units
    expect(emoji.length).toBe(16);
    expect(passwordProblem(emoji)).toBeNull();
    expect(passwordProblem(emoji.slice(0, 14))).toMatch(/at least 8/); // 7 code points
  });

  it("counts 128 astral code points as 128, not 256", () => {
    const long = "🔑".repeat(128);
    expect(long.length).toBe(256);
    expect(passwordProblem(long)).toBeNull();
    expect(passwordProblem("🔑".repeat(129))).toMatch(/at most 128/);
  });

  it("measures after NFKC: a ligature that expands reaches the minimum", () => {
    // "ﬃ" (U+FB03) is one code point that NFKC turns into "ffi".
    const p = "ﬃﬃ7!k"; // 5 code points before, 9 after NFKC
    expect(codePointLength(p)).toBe(5);
    expect(passwordProblem(p)).toBeNull();
  });

  it("measures after NFKC: combining sequences that compose count once", () => {
    const decomposed = "e\u0301".repeat(7); // 14 code points, NFKC → 7 × "é"
    expect(codePointLength(decomposed)).toBe(14);
    expect(passwordProblem(decomposed)).toMatch(/at least 8/);
  });

  it("ships a common-password list of at least 10,000 entries", () => {
    expect(commonList.length).toBeGreaterThanOrEqual(10_000);
  });

  it.each(["password", "12345678", "qwertyuiop", "iloveyou"])("refuses the common password %s", (p) => {
    expect(passwordProblem(p)).toMatch(/too common/);
  });

  it("refuses common passwords regardless of case", () => {
    expect(passwordProblem("PassWord")).toMatch(/too common/);
  });

  it("refuses an entry from deep in the shipped list", () => {
    const deep = commonList.slice(20_000).find((p) => codePointLength(p) >= 8 && codePointLength(p) <= 128);
    expect(deep).toBeDefined();
    expect(passwordProblem(deep!)).toMatch(/too common/);
  });

  it("refuses the account's own email address, in any case", () => {
    expect(passwordProblem("Alice.Doe@Example.test", "alice.doe@example.test")).toMatch(/email/);
    expect(passwordProblem("alice.doe@example.test", " Alice.Doe@example.TEST ")).toMatch(/email/);
  });

  it("accepts a password that merely contains the email", () => {
    expect(passwordProblem("alice.doe@example.test!", "alice.doe@example.test")).toBeNull();
  });

  it("has no composition rules: lowercase letters and spaces only are fine", () => {
    expect(passwordProblem("purple monkey dishwasher")).toBeNull();
  });
});

describe("password hashing (B1)", () => {
  it("hashes with argon2id, m=19456, t=2, p=1, and verifies the same password", async () => {
    const stored = await hashPassword("purple monkey dishwasher");
    expect(stored.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
    expect(await verifyPassword(stored, "purple monkey dishwasher")).toBe(true);
  });

  it("salts: the same password hashes differently twice", async () => {
    const a = await hashPassword("purple monkey dishwasher");
    const b = await hashPassword("purple monkey dishwasher");
    expect(a).not.toBe(b);
  });

  it("refuses a different password, and one that differs only at the end (no truncation)", async () => {
    const stored = await hashPassword("a".repeat(100) + "Zq7!");
    expect(await verifyPassword(stored, "purple monkey dishwasher")).toBe(false);
    expect(await verifyPassword(stored, "a".repeat(100) + "Zq7?")).toBe(false);
  });

  it("verifies NFKC-equivalent spellings as the same password", async () => {
    const stored = await hashPassword("caf\u00e9 au lait!"); // precomposed é
    expect(await verifyPassword(stored, "cafe\u0301 au lait!")).toBe(true); // e + combining acute
  });

  it("answers false (never throws) for a missing hash, a garbage hash, or oversize input", async () => {
    expect(await verifyPassword(null, "purple monkey dishwasher")).toBe(false);
    expect(await verifyPassword("not-a-hash", "purple monkey dishwasher")).toBe(false);
    const stored = await hashPassword("purple monkey dishwasher");
    expect(await verifyPassword(stored, "x".repeat(129))).toBe(false);
  });

  it("refuses to hash more than 128 code points", () => {
    expect(() => hashPassword("x".repeat(129))).toThrow();
  });
});
