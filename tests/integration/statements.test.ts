// How many statements each path a visitor takes sends to the database, counted at the driver: a
// change that adds a query to a signed-in page or to a sign-in fails here.
import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { auditLog, rateLimits, settings } from "@/db/schema";
import { forgetStoredSettings, getSettings, updateSettings } from "@/lib/settings";
import { validateSession } from "@/lib/auth/sessions";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { sessionCookieName } from "@/lib/auth/cookie";
import { getUser } from "@/lib/accounts/queries";
import { ErrorCodes } from "@/lib/shared/errors";
import { countStatements } from "../support/statements";
import { jar } from "../support/cookie-jar";
import { rejection } from "../support/rejection";
import { ageSession, createUser, minutesAgo, PASSWORD, sessionRow, signedInSession, uniqueEmail } from "../support/fixtures";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

const countOf = async (key: string) => (await db.select().from(rateLimits).where(eq(rateLimits.key, key)))[0]?.count ?? null;

let counter: ReturnType<typeof countStatements> | undefined;
const count = () => (counter = countStatements());
afterEach(() => counter?.stop());

// The settings are read at most once a second per process (tested on their own below); on a slow
// machine a path can straddle that second, so the exact counts leave that one read out.
const isSettingsRead = (statement: string) => /from "settings"/.test(statement);
const appStatements = (c: { statements: string[] }) => {
  const others = c.statements.filter((s) => !isSettingsRead(s));
  expect(c.statements.length - others.length, "settings reads").toBeLessThanOrEqual(1);
  return others;
};

describe("settings reads", () => {
  it("every section comes from one statement, shared by the process for a second", async () => {
    forgetStoredSettings();
    const c = count();
    await getSettings("account");
    await getSettings("twoFactor");
    await getSettings("regional");
    await getSettings("account");
    expect(c.statements).toHaveLength(1);
  });

  it("a change saved by this process is read at once; one saved elsewhere within a second", async () => {
    const before = await getSettings("account");
    await updateSettings("account", { ...before, onlineTimeframeMinutes: 44 }, null);
    expect((await getSettings("account")).onlineTimeframeMinutes).toBe(44);
    // Another instance saves a change: this process sees it once its copy is a second old.
    await db.execute(sql`update ${settings} set value = jsonb_set(value, '{onlineTimeframeMinutes}', '45') where key = 'account'`);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await getSettings("account")).onlineTimeframeMinutes).toBe(45);
    await updateSettings("account", { ...before }, null);
    expect((await getSettings("account")).onlineTimeframeMinutes).toBe(before.onlineTimeframeMinutes);
  });
});

describe("a signed-in request", () => {
  it("checks the session and its account in one statement", async () => {
    const user = await createUser();
    const token = await signedInSession(user.id);
    await getSettings("account");
    const c = count();
    expect((await validateSession(token))?.user.id).toBe(user.id);
    expect(appStatements(c)).toHaveLength(1);
  });

  it("records activity at most once a minute, in one more statement", async () => {
    const user = await createUser();
    const token = await signedInSession(user.id);
    await ageSession(token, { lastActiveAt: minutesAgo(2) });
    await getSettings("account");
    const c = count();
    const active = await validateSession(token);
    expect(Date.now() - active!.session.lastActiveAt.getTime()).toBeLessThan(5_000);
    expect(appStatements(c)).toHaveLength(2);
    c.statements.length = 0;
    await validateSession(token);
    expect(appStatements(c)).toHaveLength(1);
  });
});

describe("a password sign-in", () => {
  const signIn = async (identifier: string, password: string) => {
    try {
      await signInWithPassword({ identifier, password, next: "/dashboard" });
    } catch (err) {
      const digest = (err as { digest?: string }).digest ?? "";
      if (digest.startsWith("NEXT_REDIRECT")) return digest.split(";")[2];
      throw err;
    }
    throw new Error("the sign-in neither redirected nor failed");
  };
  const sessionCookie = () => jar.get(sessionCookieName());

  it("succeeds in two statements: the try counted with the account found, the session opened with its audit entry and the count cleared", async () => {
    const user = await createUser();
    // Two wrong tries first: the right password clears their count.
    for (const wrong of ["not it at all 1", "not it at all 2"]) await rejection(signIn(user.email!, wrong));
    expect(await countOf(`login-id:email:${user.email}`)).toBe(2);
    jar.clear();
    await getSettings("account");
    const c = count();
    expect(await signIn(user.email!, PASSWORD)).toBe("/dashboard");
    expect(appStatements(c), c.statements.join("\n")).toHaveLength(2);
    c.stop();
    expect(await countOf(`login-id:email:${user.email}`)).toBeNull();
    const token = sessionCookie();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await validateSession(token))?.user.id).toBe(user.id);
    const [entry] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.userId, user.id), eq(auditLog.action, "signin.succeeded")));
    expect(entry?.detail).toEqual({ method: "password", secondFactor: false });
    expect((await getUser(user.id))!.lastActiveAt).not.toBeNull();
  });

  it("with the settings not yet read by the process: one statement more", async () => {
    const user = await createUser();
    jar.clear();
    forgetStoredSettings();
    const c = count();
    expect(await signIn(user.email!, PASSWORD)).toBe("/dashboard");
    expect(appStatements(c), c.statements.join("\n")).toHaveLength(2);
    expect(c.statements.filter(isSettingsRead)).toHaveLength(1);
  });

  it("a second sign-in in the same browser ends the previous session in the same statement", async () => {
    const user = await createUser();
    jar.clear();
    await signIn(user.email!, PASSWORD);
    const first = sessionCookie()!;
    await getSettings("account");
    const c = count();
    await signIn(user.email!, PASSWORD);
    expect(appStatements(c), c.statements.join("\n")).toHaveLength(2);
    expect(sessionCookie()).not.toBe(first);
    expect(await validateSession(first)).toBeNull();
    expect((await sessionRow(first))!.revokedAt).not.toBeNull();
  });

  it("fails in two statements, for a wrong password and for an unknown account alike", async () => {
    const user = await createUser();
    await getSettings("account");
    for (const [identifier, password] of [
      [user.email!, "not the password at all"],
      [uniqueEmail("nobody"), PASSWORD],
    ] as const) {
      jar.clear();
      const c = count();
      expect((await rejection(signIn(identifier, password))).code).toBe(ErrorCodes.INVALID_CREDENTIALS);
      expect(appStatements(c), c.statements.join("\n")).toHaveLength(2);
      c.stop();
      expect(sessionCookie()).toBeUndefined();
    }
  });

  it("the limit still holds: after ten wrong tries the right password is refused too, in one statement", async () => {
    const user = await createUser();
    for (let i = 0; i < 10; i++) await rejection(signIn(user.email!, `wrong password ${i}`));
    jar.clear();
    const c = count();
    expect((await rejection(signIn(user.email!, PASSWORD))).code).toBe(ErrorCodes.RATE_LIMITED);
    expect(appStatements(c)).toHaveLength(1);
    expect(sessionCookie()).toBeUndefined();
  });
});
