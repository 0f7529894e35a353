// lib/sms's 2Factor.in provider against the 2Factor fake (S3): the API key, number, code and template
// travel in the path; failures reach the user and the log as they should.
import { describe, expect, it, vi } from "vitest";
import { startTwoFactorFake, TWOFACTOR_KEY } from "../fakes/twofactor";
import { loadSmsLib, logged, providerFake } from "../support/sms-lib";

const fake = providerFake(() => startTwoFactorFake({ templates: ["LatchkeyOTP"] }));
const TO = "+919876543210";

/** lib/sms with the fakes' base URLs (see tests/support/sms-lib.ts). */
async function load(env: Record<string, string> = {}) {
  const lib = await loadSmsLib({ TWOFACTOR_BASE_URL: fake.url, ...env });
  const useTwoFactor = (overrides: Record<string, unknown> = {}) =>
    lib.saveSms({
      provider: "twofactor",
      twofactorApiKey: lib.encryptSecret(TWOFACTOR_KEY),
      twofactorSenderId: "",
      twofactorTemplate: "",
      allowedCountries: ["IN"],
      ...overrides,
    });
  return { ...lib, useTwoFactor };
}

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
