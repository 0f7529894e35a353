// TOTP against RFC 6238's SHA-1 test vectors and against an independent generator (oathtool).
// oathtool must be installed (CI installs it): a missing binary fails these tests, it never skips them.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkTotpCode } from "@/lib/factors/totp";

/** RFC 4648 base32, upper case, no padding — written here so the test does not trust otplib's encoder. */
function base32(bytes: Uint8Array): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

const oathtool = (secret: string, args: string[] = []) => execFileSync("oathtool", ["--totp", "-b", ...args, secret], { encoding: "utf8" }).trim();

// RFC 6238 appendix B, SHA-1 column: the ASCII seed "12345678901234567890".
const RFC_SECRET = base32(new TextEncoder().encode("12345678901234567890"));
const RFC_VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
];

describe("RFC 6238 test vectors (SHA-1, 8 digits)", () => {
  it("encodes the RFC seed as the well-known base32 secret", () => {
    expect(RFC_SECRET).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  });

  it.each(RFC_VECTORS)("at T=%i the code is %s", async (epoch, code) => {
    const result = await checkTotpCode(RFC_SECRET, code, { epoch, digits: 8 });
    expect(result).toEqual({ valid: true, timeStep: Math.floor(epoch / 30), delta: 0 });
  });

  it.each(RFC_VECTORS)("at T=%i the 6-digit code is the last 6 digits of %s", async (epoch, code) => {
    await expect(checkTotpCode(RFC_SECRET, code.slice(2), { epoch })).resolves.toMatchObject({ valid: true, delta: 0 });
    // An 8-digit code is not a 6-digit code, and the digits option is not ignored.
    await expect(checkTotpCode(RFC_SECRET, code, { epoch })).resolves.toEqual({ valid: false });
  });

  it("accepts the neighbouring steps (±30 s) and nothing further", async () => {
    const [epoch, code] = RFC_VECTORS[3]!;
    await expect(checkTotpCode(RFC_SECRET, code, { epoch: epoch + 30, digits: 8 })).resolves.toMatchObject({ valid: true, delta: -1 });
    await expect(checkTotpCode(RFC_SECRET, code, { epoch: epoch - 30, digits: 8 })).resolves.toMatchObject({ valid: true, delta: 1 });
    await expect(checkTotpCode(RFC_SECRET, code, { epoch: epoch + 60, digits: 8 })).resolves.toEqual({ valid: false });
    await expect(checkTotpCode(RFC_SECRET, code, { epoch: epoch - 60, digits: 8 })).resolves.toEqual({ valid: false });
  });

  it("refuses a step at or before afterTimeStep, and an afterTimeStep beyond the window, without throwing", async () => {
    const [epoch, code] = RFC_VECTORS[3]!;
    const step = Math.floor(epoch / 30);
    await expect(checkTotpCode(RFC_SECRET, code, { epoch, digits: 8, afterTimeStep: step - 1 })).resolves.toMatchObject({ valid: true });
    await expect(checkTotpCode(RFC_SECRET, code, { epoch, digits: 8, afterTimeStep: step })).resolves.toEqual({ valid: false });
    await expect(checkTotpCode(RFC_SECRET, code, { epoch, digits: 8, afterTimeStep: step + 5 })).resolves.toEqual({ valid: false });
  });

  it("refuses a wrong code and anything that is not digits", async () => {
    const [epoch] = RFC_VECTORS[3]!;
    await expect(checkTotpCode(RFC_SECRET, "89005925", { epoch, digits: 8 })).resolves.toEqual({ valid: false });
    await expect(checkTotpCode(RFC_SECRET, "8900592a", { epoch, digits: 8 })).resolves.toEqual({ valid: false });
    await expect(checkTotpCode(RFC_SECRET, "", { epoch })).resolves.toEqual({ valid: false });
  });
});

describe("agreement with oathtool", () => {
  it("oathtool reproduces the RFC vectors (the reference itself is right)", () => {
    for (const [epoch, code] of RFC_VECTORS) {
      expect(oathtool(RFC_SECRET, ["-d", "8", "-N", `@${epoch}`])).toBe(code);
    }
  });

  it("accepts oathtool's current 6-digit code for a random 20-byte secret", async () => {
    const secret = base32(randomBytes(20));
    const before = Math.floor(Date.now() / 1000 / 30);
    const code = oathtool(secret);
    expect(code).toMatch(/^\d{6}$/);
    const result = await checkTotpCode(secret, code);
    expect(result.valid).toBe(true);
    // Generated at `before` or (across a step boundary) the step after it.
    if (result.valid) expect([before, before + 1]).toContain(result.timeStep);
  });

  it("matches oathtool exactly at fixed times for several random secrets", async () => {
    for (let i = 0; i < 5; i++) {
      const secret = base32(randomBytes(20));
      const epoch = 1_700_000_000 + i * 12_345;
      const code = oathtool(secret, ["-N", `@${epoch}`]);
      await expect(checkTotpCode(secret, code, { epoch })).resolves.toEqual({ valid: true, timeStep: Math.floor(epoch / 30), delta: 0 });
    }
  });
});
