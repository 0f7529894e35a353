// lib/sms's 2Factor.in provider against the 2Factor fake (S3): the API key, number, code and template
// travel in the path; failures reach the user and the log as they should.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startTwoFactorFake, TWOFACTOR_KEY, type TwoFactorFake } from "../fakes/twofactor";

const SMS_ENV = [
  "LATCHKEY_SMS_PROVIDER",
  "LATCHKEY_SMS_TIMEOUT_MS",
  "TWILIO_ACCOUNT_SID",
  "TWILIO_AUTH_TOKEN",
  "TWILIO_FROM",
  "TWILIO_BASE_URL",
  "CLICKATELL_API_KEY",
  "CLICKATELL_FROM",
  "CLICKATELL_BASE_URL",
  "TWOFACTOR_API_KEY",
  "TWOFACTOR_SENDER_ID",
  "TWOFACTOR_TEMPLATE",
  "TWOFACTOR_BASE_URL",
];

let fake: TwoFactorFake;
const TO = "+919876543210";

/** lib/env caches the environment on first use: stub it, then load the lib modules afresh. */
async function load(env: Record<string, string> = {}) {
  vi.unstubAllEnvs();
  for (const name of SMS_ENV) vi.stubEnv(name, undefined);
  vi.stubEnv("TWOFACTOR_BASE_URL", fake.url);
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  vi.resetModules();
  const sms = await import("@/lib/sms");
  const settings = await import("@/lib/settings");
  const { encryptSecret } = await import("@/lib/crypto");
  const useTwoFactor = async (overrides: Record<string, unknown> = {}) => {
    const current = await settings.getSettings("sms");
    await settings.updateSettings(
      "sms",
      {
        ...current,
        provider: "twofactor",
        fallbackProvider: "none",
        twofactorApiKey: encryptSecret(TWOFACTOR_KEY),
        twofactorSenderId: "",
        twofactorTemplate: "",
        ...overrides,
      },
      null,
    );
  };
  return { ...sms, useTwoFactor, encryptSecret };
}

const logged = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((c) => c.map(String).join(" ")).join("\n");

beforeAll(async () => {
  fake = await startTwoFactorFake({ templates: ["LatchkeyOTP"] });
});
afterAll(async () => {
  await fake.close();
  vi.unstubAllEnvs();
});
afterEach(() => {
  fake.mode("ok");
  fake.requests.length = 0;
  vi.restoreAllMocks();
});

describe("2Factor.in", () => {
  it("sends the caller's code to /API/V1/{key}/SMS/{digits}/{code}, without a template segment when none is set", async () => {
    const lib = await load();
    await lib.useTwoFactor();
    await lib.sendSms({ to: TO, body: "Your Latchkey code is 246810.", code: "246810" });
    expect(fake.calls()).toBe(1);
    const r = fake.requests[0]!;
    expect(r.method).toBe("GET");
    expect(r.path).toBe(`/API/V1/${TWOFACTOR_KEY}/SMS/919876543210/246810`);
    expect(r).toMatchObject({ apiKey: TWOFACTOR_KEY, phone: "919876543210", otp: "246810", template: undefined });
  });

  it("names the template when one is set (here pinned by TWOFACTOR_TEMPLATE)", async () => {
    const lib = await load({ TWOFACTOR_TEMPLATE: "LatchkeyOTP" });
    await lib.useTwoFactor({ twofactorTemplate: "StoredTemplate" });
    await lib.sendSms({ to: TO, body: "code 135790", code: "135790" });
    expect(fake.requests[0]!.path).toBe(`/API/V1/${TWOFACTOR_KEY}/SMS/919876543210/135790/LatchkeyOTP`);
  });

  it("makes up a 6-digit code for a message without one (the test SMS)", async () => {
    const lib = await load();
    await lib.useTwoFactor();
    const result = await lib.sendTestSms(TO);
    expect(result).toMatchObject({ ok: true, provider: "twofactor", id: expect.any(String) });
    expect(fake.requests[0]!.otp).toMatch(/^\d{6}$/);
  });

  it("shows an invalid-number reason in words the user can act on", async () => {
    const lib = await load();
    await lib.useTwoFactor();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.mode("4xx", "Invalid Phone Number - Check Number Format");
    await expect(lib.sendSms({ to: TO, body: "x", code: "123456" })).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      message: expect.stringMatching(/phone number isn't valid/),
    });
    const log = logged(errors);
    expect(log).toContain("Invalid Phone Number - Check Number Format");
    expect(log).not.toContain(TWOFACTOR_KEY);
  });

  it("keeps other 2Factor errors generic for the user, detailed for the admin", async () => {
    const lib = await load();
    await lib.useTwoFactor();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.mode("4xx", "Insufficient Balance");
    await expect(lib.sendSms({ to: TO, body: "x", code: "123456" })).rejects.toMatchObject({ message: "We couldn't send the SMS, try again." });
    expect(logged(errors)).toMatch(/twofactor .*failed \(rejected\): HTTP 400 Error: Insufficient Balance/);
  });

  it("reports an unknown API key to the admin without logging the key", async () => {
    const lib = await load();
    await lib.useTwoFactor({ twofactorApiKey: lib.encryptSecret("00000000-not-a-key") });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(lib.sendSms({ to: TO, body: "x", code: "123456" })).rejects.toMatchObject({ message: "We couldn't send the SMS, try again." });
    const log = logged(errors);
    expect(log).toMatch(/credentials rejected .*Invalid API Key - Not Found/);
    expect(log).not.toContain("00000000-not-a-key");
  });

  it("answers a 5xx with the generic delivery failure", async () => {
    const lib = await load();
    await lib.useTwoFactor();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.mode("5xx");
    await expect(lib.sendSms({ to: TO, body: "x", code: "123456" })).rejects.toMatchObject({ message: "We couldn't send the SMS, try again." });
    expect(logged(errors)).toMatch(/\(unavailable\): HTTP 502/);
  });

  it("gives up after LATCHKEY_SMS_TIMEOUT_MS when 2Factor never answers", async () => {
    const lib = await load({ LATCHKEY_SMS_TIMEOUT_MS: "300" });
    await lib.useTwoFactor();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.mode("hang");
    const started = Date.now();
    await expect(lib.sendSms({ to: TO, body: "x", code: "123456" })).rejects.toMatchObject({ code: "DELIVERY_FAILED" });
    expect(Date.now() - started).toBeLessThan(5000); // not the 10 s default
    expect(logged(errors)).toMatch(/\(timeout\)/);
  });
});
