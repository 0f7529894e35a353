import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { sessions } from "@/db/schema";
import { blockAccount } from "@/lib/accounts/admin";
import { sessionTokenFromCookie } from "@/lib/auth/cookie";
import { createSession, listSessions, revokeOtherSessions, revokeSession, revokeSessionByToken, validateSession } from "@/lib/auth/sessions";
import { ageSession, createUser, minutesAgo, sessionIdOf, sessionRow, setAccountSettings, signedInSession } from "../support/fixtures";

describe("sessions (B2, A6)", () => {
  it("a new session validates at once; its cookie carries only the token", async () => {
    const user = await createUser();
    const token = await createSession(user.id, { userAgent: "vitest", ip: "203.0.113.5" });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
    const active = await validateSession(token);
    expect(active?.user.id).toBe(user.id);
    expect(active?.session).toMatchObject({ userAgent: "vitest", ip: "203.0.113.5", id: sessionIdOf(token) });
  });

  it("unknown, empty and malformed tokens do not validate, nor does an older cookie's value", async () => {
    expect(await validateSession(undefined)).toBeNull();
    expect(await validateSession("")).toBeNull();
    expect(await validateSession("A".repeat(43))).toBeNull();
    expect(sessionTokenFromCookie(undefined)).toBeNull();
    expect(sessionTokenFromCookie("A".repeat(42))).toBeNull();
    expect(sessionTokenFromCookie("A".repeat(44))).toBeNull();
    // The encrypted cookie of earlier versions (a JWE): such a browser signs in again, once.
    expect(sessionTokenFromCookie("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..abc.def.ghi")).toBeNull();
    expect(sessionTokenFromCookie("A".repeat(43))).toBe("A".repeat(43));
  });

  it("the session id is stored hashed: the raw token appears nowhere in the table", async () => {
    const user = await createUser();
    const token = await signedInSession(user.id, { userAgent: "vitest" });
    const rows = await db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).not.toBe(token);
    expect(rows[0]!.id).toBe(sessionIdOf(token));
    expect(JSON.stringify(await db.select().from(sessions))).not.toContain(token);
  });

  it("refuses a revoked session", async () => {
    const user = await createUser();
    const token = await signedInSession(user.id);
    expect(await validateSession(token)).not.toBeNull();
    await revokeSessionByToken(token);
    expect(await validateSession(token)).toBeNull();
  });

  it("refuses a session past its absolute expiry, however active", async () => {
    const user = await createUser();
    const token = await signedInSession(user.id);
    await ageSession(token, { expiresAt: new Date(Date.now() - 1000), lastActiveAt: new Date() });
    expect(await validateSession(token)).toBeNull();
  });

  it("sets the absolute expiry from the absoluteSessionDays setting", async () => {
    await setAccountSettings({ absoluteSessionDays: 7 });
    try {
      const user = await createUser();
      const token = await signedInSession(user.id);
      const row = await sessionRow(token);
      const days = (row!.expiresAt.getTime() - row!.createdAt.getTime()) / 86_400_000;
      expect(days).toBeCloseTo(7, 2);
    } finally {
      await setAccountSettings({ absoluteSessionDays: 30 });
    }
  });

  it("ends a session idle longer than the online status timeframe, and records the revocation", async () => {
    await setAccountSettings({ onlineTimeframeMinutes: 15 });
    try {
      const user = await createUser();
      const fresh = await signedInSession(user.id);
      const idle = await signedInSession(user.id);
      await ageSession(fresh, { lastActiveAt: minutesAgo(14) });
      await ageSession(idle, { lastActiveAt: minutesAgo(16) });
      expect(await validateSession(fresh)).not.toBeNull();
      expect(await validateSession(idle)).toBeNull();
      expect((await sessionRow(idle))!.revokedAt).not.toBeNull();
      // Once ended it stays ended, even if activity were recorded later.
      await ageSession(idle, { lastActiveAt: new Date() });
      expect(await validateSession(idle)).toBeNull();
    } finally {
      await setAccountSettings({ onlineTimeframeMinutes: 30 });
    }
  });

  it("a request refreshes last activity (throttled), which keeps the session alive", async () => {
    const user = await createUser();
    const token = await signedInSession(user.id);
    await ageSession(token, { lastActiveAt: minutesAgo(20) });
    const active = await validateSession(token);
    expect(Date.now() - active!.session.lastActiveAt.getTime()).toBeLessThan(5_000);
    expect(Date.now() - (await sessionRow(token))!.lastActiveAt.getTime()).toBeLessThan(5_000);
  });

  it("refuses the session of a blocked account even while the session row is live", async () => {
    const user = await createUser();
    await blockAccount(user.id, null);
    // blockAccount revokes existing sessions; a session created afterwards is still refused.
    const token = await signedInSession(user.id);
    expect((await sessionRow(token))!.revokedAt).toBeNull();
    expect(await validateSession(token)).toBeNull();
  });

  it("revokeOtherSessions ends every other session and keeps the current one", async () => {
    const user = await createUser();
    const other = await createUser();
    const current = await signedInSession(user.id);
    const a = await signedInSession(user.id);
    const b = await signedInSession(user.id);
    const someoneElse = await signedInSession(other.id);
    expect(await revokeOtherSessions(user.id, sessionIdOf(current))).toBe(2);
    expect(await validateSession(current)).not.toBeNull();
    expect(await validateSession(a)).toBeNull();
    expect(await validateSession(b)).toBeNull();
    expect(await validateSession(someoneElse)).not.toBeNull();
  });

  it("revokeSession ends one of the user's own sessions and refuses another user's", async () => {
    const user = await createUser();
    const other = await createUser();
    const mine = await signedInSession(user.id);
    const theirs = await signedInSession(other.id);
    expect(await revokeSession(user.id, sessionIdOf(theirs))).toBe(false);
    expect(await validateSession(theirs)).not.toBeNull();
    expect(await revokeSession(user.id, sessionIdOf(mine))).toBe(true);
    expect(await validateSession(mine)).toBeNull();
  });

  it("listSessions shows only live sessions", async () => {
    const user = await createUser();
    const live = await signedInSession(user.id);
    const revoked = await signedInSession(user.id);
    await revokeSessionByToken(revoked);
    const listed = await listSessions(user.id);
    expect(listed.map((s) => s.id)).toEqual([sessionIdOf(live)]);
  });
});
