// How many statements each path a visitor takes sends to the database, counted at the driver: a
// change that adds a query to a signed-in page or to a sign-in fails here.
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { settings } from "@/db/schema";
import { forgetStoredSettings, getSettings, updateSettings } from "@/lib/settings";
import { validateSession } from "@/lib/auth/sessions";
import { countStatements } from "../support/statements";
import { ageSession, createUser, minutesAgo, signedInSession } from "../support/fixtures";

let counter: ReturnType<typeof countStatements> | undefined;
const count = () => (counter = countStatements());
afterEach(() => counter?.stop());

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
    expect(c.statements).toHaveLength(1);
  });

  it("records activity at most once a minute, in one more statement", async () => {
    const user = await createUser();
    const token = await signedInSession(user.id);
    await ageSession(token, { lastActiveAt: minutesAgo(2) });
    await getSettings("account");
    const c = count();
    const active = await validateSession(token);
    expect(Date.now() - active!.session.lastActiveAt.getTime()).toBeLessThan(5_000);
    expect(c.statements).toHaveLength(2);
    c.statements.length = 0;
    await validateSession(token);
    expect(c.statements).toHaveLength(1);
  });
});
