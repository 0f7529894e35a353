// Errors are not swallowed (O5, B6): a security notice whose delivery fails is logged with the reason
// and kept; the daily job sends it once the provider is back. A stored password hash that cannot be
// read refuses the sign-in and is logged. The provider is the real `resend` SDK against the stand-in.
import { loadAccountsLib, type AccountsLib } from "../support/accounts-lib";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { startFakeResend, type FakeResend } from "../fakes/resend";

let fake: FakeResend;
let lib: {
  accounts: AccountsLib;
  notices: typeof import("@/lib/delivery/notices");
  db: typeof import("@/lib/db");
  schema: typeof import("@/db/schema");
  fixtures: typeof import("../support/fixtures");
};

beforeAll(async () => {
  fake = await startFakeResend();
  vi.stubEnv("RESEND_API_KEY", fake.apiKey);
  vi.stubEnv("RESEND_BASE_URL", fake.url);
  vi.stubEnv("LATCHKEY_EMAIL_TIMEOUT_MS", "800");
  vi.resetModules();
  lib = {
    accounts: await loadAccountsLib(),
    notices: await import("@/lib/delivery/notices"),
    db: await import("@/lib/db"),
    schema: await import("@/db/schema"),
    fixtures: await import("../support/fixtures"),
  };
});
afterAll(async () => {
  await fake?.close();
  vi.unstubAllEnvs();
});

let logged: MockInstance<typeof console.error>;
beforeEach(() => {
  fake.reset();
  logged = vi.spyOn(console, "error").mockImplementation(() => {});
});
const log = () => logged.mock.calls.map((c) => c.map(String).join(" ")).join("\n");

describe("security notices", () => {
  it("a password-changed notice that fails is logged with its reason, kept, and sent by the daily job", async () => {
    const { eq } = await import("drizzle-orm");
    const user = await lib.fixtures.createUser();
    fake.setMode("fail");
    await lib.accounts.changePassword({ userId: user.id, current: lib.fixtures.PASSWORD, next: "A different long passphrase", keepSessionId: null });
    expect(log()).toMatch(/security notice "password_changed" to .+ not delivered \(.+\); the daily job will retry it/);
    const kept = await lib.db.db.select().from(lib.schema.securityNotices).where(eq(lib.schema.securityNotices.userId, user.id));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ kind: "password_changed", to: user.email, sentAt: null });
    expect(kept[0]!.lastError).toBeTruthy();

    // Still failing: the attempt is counted.
    expect(await lib.notices.retrySecurityNotices()).toMatchObject({ sent: 0, failed: 1 });
    fake.setMode("ok");
    const before = fake.sent.length;
    expect(await lib.notices.retrySecurityNotices()).toMatchObject({ sent: 1, failed: 0 });
    expect(fake.sent.slice(before).map((m) => [m.to, m.subject])).toEqual([[[user.email], "Your Latchkey password was changed"]]);
    // Sent once: a second run has nothing to do.
    expect(await lib.notices.retrySecurityNotices()).toMatchObject({ sent: 0, failed: 0 });
  });
});

describe("security notices, the email change", () => {
  it("an email-changed notice to the old address that fails is kept and sent by the daily job", async () => {
    const { eq } = await import("drizzle-orm");
    const user = await lib.fixtures.createUser();
    const next = `changed-${Date.now()}@example.com`;
    await lib.accounts.startEmailChange(user, next);
    const mail = fake.sent.find((m) => m.to.includes(next));
    const code = /\b(\d{6})\b/.exec(mail?.text ?? "")?.[1];
    expect(code, "the code sent to the new address").toBeTruthy();
    fake.setMode("fail");
    await lib.accounts.finishEmailChange(user, next, code!);
    expect(log()).toMatch(/security notice "email_changed" to .+ not delivered \(.+\); the daily job will retry it/);
    const kept = await lib.db.db.select().from(lib.schema.securityNotices).where(eq(lib.schema.securityNotices.userId, user.id));
    expect(kept.map((k) => [k.kind, k.to, k.sentAt])).toEqual([["email_changed", user.email, null]]);
    fake.setMode("ok");
    const before = fake.sent.length;
    expect(await lib.notices.retrySecurityNotices()).toMatchObject({ sent: 1, failed: 0 });
    expect(fake.sent.slice(before).map((m) => [m.to, m.subject])).toEqual([[[user.email], "Your Latchkey email address was changed"]]);
  });
});

describe("a stored password hash that cannot be read", () => {
  it("refuses the sign-in and says so in the log", async () => {
    const { eq } = await import("drizzle-orm");
    const user = await lib.fixtures.createUser();
    await lib.db.db.update(lib.schema.users).set({ passwordHash: "$argon2id$v=19$corrupt" }).where(eq(lib.schema.users.id, user.id));
    const fresh = await lib.accounts.getUser(user.id);
    await expect(lib.accounts.checkPassword({ user: fresh, identifierKey: `email:${user.email}`, password: lib.fixtures.PASSWORD })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    expect(log()).toContain(`the stored password hash of account ${user.id} cannot be read`);
  });
});
