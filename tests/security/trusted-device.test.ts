// Trusted-device cookies (T4): a remembered device only ever vouches for its own account, and only
// while it is live — moved to another account, tampered with, or reused after revocation it is refused.
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { trustedDevices } from "@/db/schema";
import { changePassword } from "@/lib/accounts/password";
import { isTrustedDevice, listTrustedDevices, rememberDevice, revokeTrustedDevice, trustedCookieName } from "@/lib/factors/trusted-devices";
import { createUser, PASSWORD } from "../support/fixtures";
import { jar } from "../support/cookie-jar";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

const UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36";
const deviceCookie = () => jar.get(trustedCookieName())!;

beforeEach(() => jar.clear());

describe("trusted-device cookie", () => {
  it("vouches for its own account only: moved to another account it is refused", async () => {
    const [a, b] = [await createUser(), await createUser()];
    await rememberDevice(a.id, UA);
    expect(deviceCookie()).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(await isTrustedDevice(a.id)).toBe(true);
    expect(await isTrustedDevice(b.id)).toBe(false);
  });

  it("is stored hashed: the cookie value appears nowhere in the table", async () => {
    const a = await createUser();
    await rememberDevice(a.id, UA);
    const rows = await db.select().from(trustedDevices).where(eq(trustedDevices.userId, a.id));
    expect(JSON.stringify(rows)).not.toContain(deviceCookie());
  });

  it("a tampered, truncated, extended or oversized cookie is refused", async () => {
    const a = await createUser();
    await rememberDevice(a.id, UA);
    const token = deviceCookie();
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    for (const forged of [flip(token, 0), flip(token, token.length - 1), token.slice(0, -1), `${token}A`, token.repeat(3), "", "x".repeat(10_000)]) {
      jar.set(trustedCookieName(), forged);
      expect(await isTrustedDevice(a.id), `forged cookie ${forged.slice(0, 20)}…`).toBe(false);
    }
    jar.set(trustedCookieName(), token);
    expect(await isTrustedDevice(a.id)).toBe(true);
  });

  it("is refused once revoked on the security tab, and after a password change forgets every device", async () => {
    const a = await createUser();
    await rememberDevice(a.id, UA);
    const first = deviceCookie();
    const [listed] = await listTrustedDevices(a.id);
    expect(await revokeTrustedDevice(a.id, listed!.id)).toBe(true);
    expect(await isTrustedDevice(a.id)).toBe(false);

    await rememberDevice(a.id, UA);
    expect(await isTrustedDevice(a.id)).toBe(true);
    await changePassword({ userId: a.id, current: PASSWORD, next: "Copper meadow lantern 41", keepSessionId: null });
    expect(await isTrustedDevice(a.id)).toBe(false);
    jar.set(trustedCookieName(), first);
    expect(await isTrustedDevice(a.id)).toBe(false);
  });

  it("another account cannot revoke (or learn about) someone else's device", async () => {
    const [a, b] = [await createUser(), await createUser()];
    await rememberDevice(a.id, UA);
    const [listed] = await listTrustedDevices(a.id);
    expect(await revokeTrustedDevice(b.id, listed!.id)).toBe(false);
    expect(await isTrustedDevice(a.id)).toBe(true);
  });

  it("an expired device is refused", async () => {
    const a = await createUser();
    await rememberDevice(a.id, UA);
    await db
      .update(trustedDevices)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(trustedDevices.userId, a.id));
    expect(await isTrustedDevice(a.id)).toBe(false);
  });
});
