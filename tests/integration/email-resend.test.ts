// Email through the real `resend` SDK against tests/fakes/resend.ts. lib/env.ts caches the
// environment on first use (the setup files already used it to open the database), so this file
// sets RESEND_* and then loads fresh copies of the lib modules with vi.resetModules().
import { loadAccountsLib, type AccountsLib } from "../support/accounts-lib";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { startFakeResend, type FakeResend } from "../fakes/resend";

let fake: FakeResend;
let lib: {
  email: typeof import("@/lib/delivery/email");
  accounts: AccountsLib;
  outbox: typeof import("@/lib/delivery/outbox");
  db: typeof import("@/lib/db");
  schema: typeof import("@/db/schema");
};

const uniqueEmail = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}@example.test`;
const PASSWORD = "correct horse battery staple";
const message = (to: string) => ({ to, subject: "Hello", text: "Plain body", html: "<p>HTML body</p>" });

beforeAll(async () => {
  fake = await startFakeResend();
  process.env.RESEND_API_KEY = fake.apiKey;
  process.env.RESEND_BASE_URL = fake.url;
  process.env.LATCHKEY_EMAIL_FROM = "Latchkey Tests <auth@latchkey.test>";
  // The hang test waits for this timeout.
  process.env.LATCHKEY_EMAIL_TIMEOUT_MS = "800";
  vi.resetModules();
  lib = {
    email: await import("@/lib/delivery/email"),
    accounts: await loadAccountsLib(),
    outbox: await import("@/lib/delivery/outbox"),
    db: await import("@/lib/db"),
    schema: await import("@/db/schema"),
  };
});

afterAll(async () => {
  await fake?.close();
});

let logged: MockInstance<typeof console.error>;

beforeEach(() => {
  fake.reset();
  // Failures are logged with their cause (and must never include the API key); keep them off the report.
  logged = vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  for (const call of logged.mock.calls) expect(JSON.stringify(call.map(String))).not.toContain(fake.apiKey);
  logged.mockRestore();
});

/** A rejection's UserError (matched by shape: the freshly loaded modules have their own class). */
async function rejection(p: Promise<unknown>) {
  const err = await p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ name: "UserError" });
  return err as { code: string; message: string };
}

describe("Resend provider (S6, O4)", () => {
  it("is the active provider when RESEND_API_KEY is set", () => {
    expect(lib.email.activeEmailProvider().name).toBe("resend");
  });

  it("sends through the SDK: POST /emails, Bearer key, JSON with from, to, subject, html and text", async () => {
    const to = uniqueEmail("direct");
    await lib.email.sendEmail(message(to));
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0]!;
    expect(req).toMatchObject({ method: "POST", path: "/emails", status: 200 });
    expect(req.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(req.body).toMatchObject({
      from: "Latchkey Tests <auth@latchkey.test>",
      to: [to],
      subject: "Hello",
      text: "Plain body",
      html: "<p>HTML body</p>",
    });
    expect(fake.sent.map((m) => m.to)).toEqual([[to]]);
    // Nothing went to the development outbox.
    expect(await lib.outbox.listOutbox(to)).toEqual([]);
  });

  it("a sign-up's confirmation email goes through Resend with the code and link", async () => {
    const email = uniqueEmail("signup");
    await lib.accounts.signUpWithEmail({ name: "Grace", email, password: PASSWORD });
    const confirmation = fake.sent.find((m) => m.subject.startsWith("Your Latchkey confirmation code"));
    expect(confirmation).toBeDefined();
    expect(confirmation!.to).toEqual([email]);
    const code = /Your confirmation code is (\d{6})\./.exec(confirmation!.text ?? "")?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect(confirmation!.html).toContain("/confirm/email?token=");
    const result = await lib.accounts.confirmEmailWithCode(email, code!);
    expect(result.user.emailVerifiedAt).not.toBeNull();
  });

  it("a server error (500) becomes DELIVERY_FAILED", async () => {
    fake.setMode("fail");
    const err = await rejection(lib.email.sendEmail(message(uniqueEmail("fail"))));
    expect(err.code).toBe("DELIVERY_FAILED");
    expect(err.message).toBe("We couldn't send the email. Please try again in a moment.");
    expect(fake.requests.map((r) => r.status)).toEqual([500]);
    expect(logged).toHaveBeenCalledWith("email via resend failed:", expect.stringContaining("resend"));
  });

  it("no answer within the timeout becomes DELIVERY_FAILED", async () => {
    fake.setMode("hang");
    const started = Date.now();
    const err = await rejection(lib.email.sendEmail(message(uniqueEmail("hang"))));
    expect(err.code).toBe("DELIVERY_FAILED");
    expect(fake.requests).toHaveLength(1);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(700);
    expect(waited).toBeLessThan(10_000);
  });

  it("a sign-up whose confirmation email fails leaves no account and no code behind, and can be retried", async () => {
    const { db, schema } = lib;
    const email = uniqueEmail("no-half");
    fake.setMode("fail");
    const err = await rejection(lib.accounts.signUpWithEmail({ name: "Half", email, password: PASSWORD }));
    expect(err.code).toBe("DELIVERY_FAILED");
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(await db.db.select().from(schema.users).where(eq(schema.users.email, email))).toEqual([]);
    expect(await db.db.select().from(schema.codes).where(eq(schema.codes.target, email))).toEqual([]);

    // Delivery works again: the same sign-up goes through (no cooldown left by the failed try).
    fake.setMode("ok");
    await lib.accounts.signUpWithEmail({ name: "Half", email, password: PASSWORD });
    expect(await db.db.select().from(schema.users).where(eq(schema.users.email, email))).toHaveLength(1);
    expect(fake.sent.some((m) => m.to.includes(email) && m.subject.startsWith("Your Latchkey confirmation code"))).toBe(true);
  });

  it("a sign-up whose email hangs leaves no account behind either", async () => {
    const { db, schema } = lib;
    const email = uniqueEmail("no-half-hang");
    fake.setMode("hang");
    expect((await rejection(lib.accounts.signUpWithEmail({ name: "Hang", email, password: PASSWORD }))).code).toBe("DELIVERY_FAILED");
    expect(await db.db.select().from(schema.users).where(eq(schema.users.email, email))).toEqual([]);
  });
});

describe("the fake checks what Resend checks", () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${fake.url}/emails`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.apiKey}`, "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const valid = { from: "A <a@latchkey.test>", to: "b@example.test", subject: "S", text: "T" };

  it("accepts `to` as a string or an array and answers { id }", async () => {
    const r1 = await post(valid);
    expect(r1.status).toBe(200);
    expect(await r1.json()).toHaveProperty("id");
    expect((await post({ ...valid, to: ["b@example.test", "c@example.test"] })).status).toBe(200);
    expect(fake.sent.map((m) => m.to)).toEqual([["b@example.test"], ["b@example.test", "c@example.test"]]);
  });

  it("401 without an API key, 403 with a wrong one", async () => {
    const missing = await fetch(`${fake.url}/emails`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(valid) });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ statusCode: 401, name: "missing_api_key" });
    const wrong = await post(valid, { authorization: "Bearer re_wrong" });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ statusCode: 403, name: "invalid_api_key" });
    expect(fake.sent).toEqual([]);
  });

  it.each([
    ["from", { to: "b@example.test", subject: "S", text: "T" }],
    ["to", { from: "a@latchkey.test", subject: "S", text: "T" }],
    ["subject", { from: "a@latchkey.test", to: "b@example.test", text: "T" }],
    ["html` or `text", { from: "a@latchkey.test", to: "b@example.test", subject: "S" }],
  ])("422 when `%s` is missing", async (field, body) => {
    const r = await post(body);
    expect(r.status).toBe(422);
    expect(await r.json()).toMatchObject({ statusCode: 422, name: "missing_required_field", message: `Missing \`${field}\` field.` });
  });

  it("422 for a malformed from or to address", async () => {
    expect((await post({ ...valid, from: "not an address" })).status).toBe(422);
    expect((await post({ ...valid, to: ["ok@example.test", "nope"] })).status).toBe(422);
    expect(fake.sent).toEqual([]);
  });

  it("the SDK surfaces a 422 as an error, which sendEmail turns into DELIVERY_FAILED", async () => {
    // An empty subject is refused by the fake exactly as by Resend.
    const err = await rejection(lib.email.sendEmail({ to: uniqueEmail("invalid"), subject: "", text: "T", html: "<p>T</p>" }));
    expect(err.code).toBe("DELIVERY_FAILED");
    expect(fake.requests.map((r) => r.status)).toEqual([422]);
  });
});

describe("a wrong API key", () => {
  it("is refused by the fake and reported as DELIVERY_FAILED", async () => {
    const { resendProvider } = await import("@/lib/delivery/email/resend");
    const provider = resendProvider({ apiKey: "re_wrong", baseUrl: fake.url, from: "a@latchkey.test", timeoutMs: 2000 });
    await expect(provider.send(message(uniqueEmail("bad-key")))).rejects.toThrow(/invalid_api_key/);
    expect(fake.requests.map((r) => r.status)).toEqual([403]);
  });
});
