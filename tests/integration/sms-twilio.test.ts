// lib/sms through the real twilio SDK against the Twilio fake (S1, S4): what Twilio sees, and how each
// kind of failure reaches the user and the log.
import { describe, expect, it, vi } from "vitest";
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN } from "../fakes/twilio";
import { loadSmsLib, logged, providerFake } from "../support/sms-lib";

const fake = providerFake(() => startTwilioFake());
const FROM = "+15005550006";
const TO = "+14155550123";

/** lib/sms with the fakes' base URLs (see tests/support/sms-lib.ts). */
async function load(env: Record<string, string> = {}) {
  const lib = await loadSmsLib({ TWILIO_BASE_URL: fake.url, ...env });
  const useTwilio = (overrides: Record<string, unknown> = {}) =>
    lib.saveSms({ provider: "twilio", twilioAccountSid: TWILIO_SID, twilioAuthToken: lib.encryptSecret(TWILIO_TOKEN), twilioFrom: FROM, ...overrides });
  return { ...lib, useTwilio };
}

describe("Twilio", () => {
  it("sends through the SDK with Basic auth, the account path and the form fields", async () => {
    const lib = await load();
    await lib.useTwilio();
    await lib.sendSms({ to: TO, body: "Your Latchkey code is 123456.", code: "123456" });
    expect(fake.calls()).toBe(1);
    const r = fake.requests[0]!;
    expect(r.method).toBe("POST");
    expect(r.path).toBe(`/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`);
    expect(r.authorization).toBe(`Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString("base64")}`);
    expect(r.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(r.form).toEqual({ To: TO, From: FROM, Body: "Your Latchkey code is 123456." });
  });

  it.each([
    [21211, "The 'To' number +14155550123 is not a valid phone number.", /phone number isn't valid/],
    [21610, "Attempt to send to unsubscribed recipient", /opted out/],
    [21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number", /can't send text messages to that country/],
  ])("shows Twilio's reason %i in words the user can act on", async (code, message, shown) => {
    const lib = await load();
    await lib.useTwilio();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.mode("4xx", { code, message });
    const err = await lib.sendSms({ to: TO, body: "secret body 123456" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "UserError", code: "DELIVERY_FAILED" });
    expect((err as Error).message).toMatch(shown);
    const log = logged(errors);
    expect(log).toContain(String(code));
    expect(log).not.toContain(TWILIO_TOKEN);
    expect(log).not.toContain("secret body");
    expect(log).not.toContain(TO);
  });

  it("answers a 5xx with the generic delivery failure", async () => {
    const lib = await load();
    await lib.useTwilio();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.mode("5xx");
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      message: "We couldn't send the SMS, try again.",
    });
    expect(logged(errors)).toMatch(/twilio .*failed \(unavailable\): HTTP 500/);
  });

  it("gives up after LATCHKEY_SMS_TIMEOUT_MS when Twilio never answers", async () => {
    const lib = await load({ LATCHKEY_SMS_TIMEOUT_MS: "300" });
    await lib.useTwilio();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.mode("hang");
    const started = Date.now();
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      message: "We couldn't send the SMS, try again.",
    });
    expect(Date.now() - started).toBeLessThan(5000); // not the 10 s default
    expect(fake.calls()).toBe(1);
    expect(logged(errors)).toMatch(/\(timeout\)/);
  });

  it("reports rejected credentials to the admin log, not to the user", async () => {
    const lib = await load();
    await lib.useTwilio({ twilioAuthToken: lib.encryptSecret("wrong-token-000000") });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({ message: "We couldn't send the SMS, try again." });
    const log = logged(errors);
    expect(log).toMatch(/credentials rejected \(HTTP 401 error 20003/);
    expect(log).not.toContain("wrong-token-000000");
  });

  it("sendTestSms reports success with the provider, and failure with Twilio's reason", async () => {
    const lib = await load();
    await lib.useTwilio();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const ok = await lib.sendTestSms(TO);
    expect(ok).toMatchObject({ ok: true, provider: "twilio" });
    expect((ok as { id?: string }).id).toMatch(/^SM[0-9a-f]{32}$/);
    expect(fake.requests[0]!.form.Body).toMatch(/test message/i);

    fake.mode("4xx", { code: 21408, message: "Permission to send an SMS has not been enabled for the region" });
    const failed = await lib.sendTestSms(TO);
    expect(failed.ok).toBe(false);
    expect((failed as { message: string }).message).toMatch(/Twilio failed \(rejected\): HTTP 400 error 21408: Permission to send/);
    expect((failed as { message: string }).message).not.toContain(TWILIO_TOKEN);

    expect(await lib.sendTestSms("555-0123")).toMatchObject({ ok: false, message: expect.stringMatching(/international format/) });
  });
});
