// Authenticator-app codes (T7, T10): enrolment, ±1 step, no replay, atomic step recording, sealed secret.
// Codes come from oathtool, an independent generator (CI installs it; a missing binary fails the file).
import { execFileSync } from "node:child_process";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { users } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { beginTotpEnrolment, confirmTotpEnrolment, hasTotp, removeTotp, verifyTotp } from "@/lib/factors/totp";
import { createUser } from "../support/fixtures";
import { rejection } from "../support/rejection";

/** oathtool's 6-digit code for `secret` now, or at `epoch` (seconds). */
const oath = (secret: string, epoch?: number) =>
  execFileSync("oathtool", ["--totp", "-b", ...(epoch === undefined ? [] : ["-N", `@${epoch}`]), secret], {
    encoding: "utf8",
  }).trim();

const row = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0]!;

/**
 * The current epoch (seconds), at least 10 s before the next 30-s step begins — waiting if needed,
 * so a test that names steps relative to "now" does not straddle a boundary.
 */
async function awayFromStepEdge(): Promise<{ now: number; step: number }> {
  const into = (Date.now() / 1000) % 30;
  if (into > 20) await new Promise((r) => setTimeout(r, (30 - into + 0.3) * 1000));
  const now = Math.floor(Date.now() / 1000);
  return { now, step: Math.floor(now / 30) };
}

/**
 * A user with an active authenticator app, confirmed with the code of `confirmAt` (seconds before
 * now; default 0). The account is made first (argon2 is the slow part), then the clock is checked.
 */
async function enrolled(confirmAgo = 0) {
  const user = await createUser();
  const { now, step } = await awayFromStepEdge();
  const { secret } = await beginTotpEnrolment(user.id, user.email!);
  await confirmTotpEnrolment(user.id, oath(secret, now - confirmAgo));
  return { user, secret, now, step };
}

describe("authenticator app (TOTP)", () => {
  it("enrols with a QR code and the secret as text, then confirms with oathtool's current code", async () => {
    const user = await createUser();
    await awayFromStepEdge();
    const { secret, uri, qrDataUrl } = await beginTotpEnrolment(user.id, user.email!);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 20 bytes of base32
    expect(uri).toMatch(/^otpauth:\/\/totp\/Latchkey:/);
    const params = new URL(uri).searchParams;
    expect(params.get("secret")).toBe(secret);
    expect(params.get("issuer")).toBe("Latchkey");
    expect(decodeURIComponent(new URL(uri).pathname)).toContain(user.email!);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]{100,}={0,2}$/);

    let r = await row(user.id);
    expect(r.totpPendingSecret).not.toBeNull();
    expect(r.totpSecret).toBeNull();
    expect(hasTotp(r)).toBe(false);

    const code = oath(secret);
    const before = Math.floor(Date.now() / 30_000);
    await confirmTotpEnrolment(user.id, `${code.slice(0, 3)} ${code.slice(3)}`);
    r = await row(user.id);
    expect(r.totpPendingSecret).toBeNull();
    expect(r.totpSecret).not.toBeNull();
    expect(decryptSecret(r.totpSecret!)).toBe(secret);
    expect([before, before + 1]).toContain(r.totpLastStep);
    expect(hasTotp(r)).toBe(true);
  });

  it("stores the secret sealed: the base32 secret appears nowhere in the row", async () => {
    const user = await createUser();
    const { secret } = await beginTotpEnrolment(user.id, user.email!);
    const pending = JSON.stringify(await row(user.id));
    expect(pending).not.toContain(secret);
    expect(pending.toLowerCase()).not.toContain(secret.toLowerCase());
    await confirmTotpEnrolment(user.id, oath(secret));
    const r = await row(user.id);
    expect(r.totpSecret).toMatch(/^v1\./);
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(decryptSecret(r.totpSecret!)).toBe(secret);
  });

  it("refuses a wrong or malformed code at confirmation, and a confirmation without a started enrolment", async () => {
    const user = await createUser();
    expect((await rejection(confirmTotpEnrolment(user.id, "123456"))).code).toBe(ErrorCodes.CODE_EXPIRED);
    const { secret } = await beginTotpEnrolment(user.id, user.email!);
    const code = oath(secret);
    const wrong = code.replace(/\d/g, (d) => String((Number(d) + 5) % 10));
    const err = await rejection(confirmTotpEnrolment(user.id, wrong));
    expect(err.code).toBe(ErrorCodes.INVALID_CODE);
    expect(err.field).toBe("code");
    expect(err.message).toBe("That code is not right. Check your authenticator app and try again.");
    for (const bad of ["12345", "1234567", "abcdef", ""]) {
      const e = await rejection(confirmTotpEnrolment(user.id, bad));
      expect(e.code).toBe(ErrorCodes.INVALID_INPUT);
      expect(e.field).toBe("code");
    }
    expect((await row(user.id)).totpSecret).toBeNull();
  });

  it("a restarted enrolment replaces the pending secret: the first QR code no longer confirms", async () => {
    const user = await createUser();
    await awayFromStepEdge();
    const first = await beginTotpEnrolment(user.id, user.email!);
    const second = await beginTotpEnrolment(user.id, user.email!);
    expect(second.secret).not.toBe(first.secret);
    expect((await rejection(confirmTotpEnrolment(user.id, oath(first.secret)))).code).toBe(ErrorCodes.INVALID_CODE);
    await confirmTotpEnrolment(user.id, oath(second.secret));
    expect(decryptSecret((await row(user.id)).totpSecret!)).toBe(second.secret);
  });

  it("accepts the neighbouring steps, refuses a code from two steps ago or ahead", async () => {
    const { user, secret, now } = await enrolled(30);
    for (const epoch of [now - 60, now + 60, now - 90]) {
      const err = await rejection(verifyTotp(user.id, oath(secret, epoch)));
      expect(err.code).toBe(ErrorCodes.INVALID_CODE);
    }
    // The next step (a phone clock slightly ahead) is still accepted.
    await expect(verifyTotp(user.id, oath(secret, now + 30))).resolves.toBeUndefined();
  });

  it("refuses a replay of the same step with CODE_USED, including the code used to confirm", async () => {
    const { user, secret, now, step } = await enrolled();
    const confirmCode = oath(secret, now);
    const replay = await rejection(verifyTotp(user.id, confirmCode));
    expect(replay.code).toBe(ErrorCodes.CODE_USED);
    expect(replay.field).toBe("code");
    expect(replay.message).toBe("This code was already used. Wait for the next one in your app.");

    const next = oath(secret, now + 30);
    await verifyTotp(user.id, next);
    expect((await row(user.id)).totpLastStep).toBe(step + 1);
    expect((await rejection(verifyTotp(user.id, next))).code).toBe(ErrorCodes.CODE_USED);
    // A wrong code is still a wrong code, not a replay.
    const wrong = next.replace(/\d/g, (d) => String((Number(d) + 3) % 10));
    expect((await rejection(verifyTotp(user.id, wrong))).code).toBe(ErrorCodes.INVALID_CODE);
  });

  it("refuses an older step after a newer one was used, though that older step was never used", async () => {
    const { user, secret, now, step } = await enrolled(30); // last step = step − 1
    await verifyTotp(user.id, oath(secret, now + 30)); // step + 1
    expect((await row(user.id)).totpLastStep).toBe(step + 1);
    const err = await rejection(verifyTotp(user.id, oath(secret, now))); // step: inside the window, but older
    expect(err.code).toBe(ErrorCodes.CODE_USED);
    expect((await row(user.id)).totpLastStep).toBe(step + 1);
  });

  it("parallel submissions of one valid code give exactly one success", async () => {
    const { user, secret, now, step } = await enrolled(30);
    for (const [epoch, parallel] of [
      [now, 2],
      [now + 30, 6],
    ] as const) {
      const code = oath(secret, epoch);
      const results = await Promise.allSettled(Array.from({ length: parallel }, () => verifyTotp(user.id, code)));
      const ok = results.filter((r) => r.status === "fulfilled");
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(ok).toHaveLength(1);
      expect(refused).toHaveLength(parallel - 1);
      for (const r of refused) {
        expect(r.reason).toBeInstanceOf(UserError);
        expect((r.reason as UserError).code).toBe(ErrorCodes.CODE_USED);
      }
    }
    expect((await row(user.id)).totpLastStep).toBe(step + 1);
  });

  it("after removal no code is accepted and the secret is gone", async () => {
    const { user, secret, now } = await enrolled();
    await removeTotp(user.id);
    const r = await row(user.id);
    expect(r.totpSecret).toBeNull();
    expect(r.totpPendingSecret).toBeNull();
    expect(hasTotp(r)).toBe(false);
    expect((await rejection(verifyTotp(user.id, oath(secret, now + 30)))).code).toBe(ErrorCodes.NOT_FOUND);
  });

  it("one user's code does not work for another user", async () => {
    const a = await enrolled(30);
    const b = await enrolled(30);
    const now = Math.floor(Date.now() / 1000);
    // a's current code: b's last step is older, so only a wrong secret can refuse it.
    expect((await rejection(verifyTotp(b.user.id, oath(a.secret, now)))).code).toBe(ErrorCodes.INVALID_CODE);
    await expect(verifyTotp(b.user.id, oath(b.secret, now))).resolves.toBeUndefined();
  });
});
