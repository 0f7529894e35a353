// lib/sms's Clickatell provider against the Clickatell fake (S2): the request Clickatell sees, and how
// each kind of failure reaches the user and the log.
import { describe, expect, it, vi } from "vitest";
import { CLICKATELL_KEY, startClickatellFake } from "../fakes/clickatell";
import { loadSmsLib, logged, providerFake } from "../support/sms-lib";

const fake = providerFake(() => startClickatellFake());
const TO = "+447400123456";

/** lib/sms with the fakes' base URLs (see tests/support/sms-lib.ts). */
async function load(env: Record<string, string> = {}) {
  const lib = await loadSmsLib({ CLICKATELL_BASE_URL: fake.url, ...env });
  const useClickatell = (overrides: Record<string, unknown> = {}) =>
    lib.saveSms({ provider: "clickatell", clickatellApiKey: lib.encryptSecret(CLICKATELL_KEY), clickatellFrom: "", allowedCountries: ["GB"], ...overrides });
  return { ...lib, useClickatell };
}

describe("Clickatell", () => {
  it("posts { content, to: [digits] } to /messages with the bare API key as Authorization", async () => {
    const lib = await load();
    await lib.useClickatell();
    await lib.sendSms({ to: TO, body: "Your Latchkey code is 654321.", code: "654321" });
    expect(fake.calls()).toBe(1);
    const r = fake.requests[0]!;
    expect(r.method).toBe("POST");
    expect(r.path).toBe("/messages");
    expect(r.authorization).toBe(CLICKATELL_KEY);
    expect(r.contentType).toMatch(/^application\/json/);
    expect(r.body).toEqual({ content: "Your Latchkey code is 654321.", to: ["447400123456"] });
  });

  it("sends the two-way number as `from` when one is set", async () => {
    const lib = await load();
    await lib.useClickatell({ clickatellFrom: "+1 202 753 0410" });
    await lib.sendSms({ to: TO, body: "hello" });
    expect(fake.requests[0]!.body).toEqual({ content: "hello", to: ["447400123456"], from: "12027530410" });
  });

  it.each([
    [105, "Invalid destination address", /phone number isn't valid/],
    [114, "Cannot route message", /can't send a text message to that number/],
  ])("shows Clickatell's reason %i in words the user can act on", async (errorCode, error, shown) => {
    const lib = await load();
    await lib.useClickatell();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.mode("4xx", { errorCode, error });
    const err = await lib.sendSms({ to: TO, body: "secret body" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "UserError", code: "DELIVERY_FAILED" });
    expect((err as Error).message).toMatch(shown);
    const log = logged(errors);
    expect(log).toContain(`error ${errorCode}: ${error}`);
    expect(log).not.toContain(CLICKATELL_KEY);
    expect(log).not.toContain("secret body");
  });

  it("answers a 5xx with the generic delivery failure", async () => {
    const lib = await load();
    await lib.useClickatell();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.mode("5xx");
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      message: "We couldn't send the SMS, try again.",
    });
    expect(logged(errors)).toMatch(/clickatell .*failed \(unavailable\): HTTP 503/);
  });

  it("gives up after LATCHKEY_SMS_TIMEOUT_MS when Clickatell never answers", async () => {
    const lib = await load({ LATCHKEY_SMS_TIMEOUT_MS: "300" });
    await lib.useClickatell();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    fake.mode("hang");
    const started = Date.now();
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({ message: "We couldn't send the SMS, try again." });
    expect(Date.now() - started).toBeLessThan(5000); // not the 10 s default
    expect(logged(errors)).toMatch(/\(timeout\)/);
  });

  it("reports a rejected API key to the admin, not to the user", async () => {
    const lib = await load();
    await lib.useClickatell({ clickatellApiKey: lib.encryptSecret("not-the-key") });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({ message: "We couldn't send the SMS, try again." });
    expect(logged(errors)).toMatch(/credentials rejected \(HTTP 401 error 1: Authentication failed/);
    const test = await lib.sendTestSms(TO);
    expect(test).toMatchObject({ ok: false, provider: "clickatell" });
    expect((test as { message: string }).message).toMatch(/Clickatell failed \(auth\)/);
    expect((test as { message: string }).message).not.toContain("not-the-key");
  });

  it("sendTestSms reports success with the provider and Clickatell's message id", async () => {
    const lib = await load();
    await lib.useClickatell();
    expect(await lib.sendTestSms(TO)).toMatchObject({ ok: true, provider: "clickatell", id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });
});
