// lib/sms's choice of provider at send time (S4, S7): the fallback provider when the active one fails or
// times out, missing credentials, the outbox, and numbers that are not E.164.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CLICKATELL_KEY, startClickatellFake, type ClickatellFake } from "../fakes/clickatell";
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN, type TwilioFake } from "../fakes/twilio";
import { loadSmsLib, logged } from "../support/sms-lib";

let twilio: TwilioFake;
let clickatell: ClickatellFake;
const TO = "+14155550199";

/** lib/sms with the fakes' base URLs (see tests/support/sms-lib.ts). */
async function load(env: Record<string, string> = {}) {
  const lib = await loadSmsLib({ TWILIO_BASE_URL: twilio.url, CLICKATELL_BASE_URL: clickatell.url, ...env });
  const { listOutbox } = await import("@/lib/delivery/outbox");
  /** Both providers fully configured, then `overrides`. */
  const configure = (overrides: Record<string, unknown>) =>
    lib.saveSms({
      twilioAccountSid: TWILIO_SID,
      twilioAuthToken: lib.encryptSecret(TWILIO_TOKEN),
      twilioFrom: "+15005550006",
      clickatellApiKey: lib.encryptSecret(CLICKATELL_KEY),
      clickatellFrom: "",
      ...overrides,
    });
  return { ...lib, configure, listOutbox };
}

beforeAll(async () => {
  twilio = await startTwilioFake();
  clickatell = await startClickatellFake();
});
afterAll(async () => {
  await Promise.all([twilio.close(), clickatell.close()]);
  vi.unstubAllEnvs();
});
afterEach(() => {
  for (const f of [twilio, clickatell]) {
    f.mode("ok");
    f.requests.length = 0;
  }
  vi.restoreAllMocks();
});

describe("fallback provider", () => {
  it("is not used while the active provider works", async () => {
    const lib = await load();
    await lib.configure({ provider: "twilio", fallbackProvider: "clickatell" });
    await lib.sendSms({ to: TO, body: "hello" });
    expect([twilio.calls(), clickatell.calls()]).toEqual([1, 0]);
  });

  it("takes over once when the active provider fails", async () => {
    const lib = await load();
    await lib.configure({ provider: "twilio", fallbackProvider: "clickatell" });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    twilio.mode("5xx");
    await lib.sendSms({ to: TO, body: "Your code is 112233.", code: "112233" });
    expect([twilio.calls(), clickatell.calls()]).toEqual([1, 1]);
    expect(clickatell.requests[0]!.body).toEqual({ content: "Your code is 112233.", to: ["14155550199"] });
    expect(logged(errors)).toMatch(/twilio .*\(unavailable\)/);
  });

  it("takes over when the active provider times out", async () => {
    const lib = await load({ LATCHKEY_SMS_TIMEOUT_MS: "1500" });
    await lib.configure({ provider: "twilio", fallbackProvider: "clickatell" });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    twilio.mode("hang");
    const started = Date.now();
    await lib.sendSms({ to: TO, body: "hello" });
    expect(Date.now() - started).toBeLessThan(6000); // not the 10 s default
    expect([twilio.calls(), clickatell.calls()]).toEqual([1, 1]);
    expect(logged(errors)).toMatch(/twilio .*\(timeout\)/);
  });

  it("is tried only once: both failing gives DELIVERY_FAILED with a safe reason if either had one", async () => {
    const lib = await load();
    await lib.configure({ provider: "twilio", fallbackProvider: "clickatell" });
    vi.spyOn(console, "error").mockImplementation(() => {});
    twilio.mode("5xx");
    clickatell.mode("4xx", { errorCode: 105, error: "Invalid destination address" });
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      message: expect.stringMatching(/phone number isn't valid/),
    });
    expect([twilio.calls(), clickatell.calls()]).toEqual([1, 1]);

    clickatell.mode("5xx");
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({ message: "We couldn't send the SMS, try again." });
    expect([twilio.calls(), clickatell.calls()]).toEqual([2, 2]);
  });

  it("stands in for an active provider that lacks credentials", async () => {
    const lib = await load();
    await lib.configure({ provider: "twilio", fallbackProvider: "clickatell", twilioAuthToken: "" });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await lib.sendSms({ to: TO, body: "hello" });
    expect([twilio.calls(), clickatell.calls()]).toEqual([0, 1]);
    expect(logged(errors)).toContain("Twilio is not configured: missing Auth Token");
  });
});

describe("missing credentials", () => {
  it("fail clearly: a generic message for the user, what to set for the admin, no request made", async () => {
    const lib = await load();
    await lib.configure({ provider: "twilio", fallbackProvider: "none", twilioAuthToken: "", twilioFrom: "" });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      message: "We couldn't send the SMS, try again.",
    });
    expect(twilio.calls()).toBe(0);
    const log = logged(errors);
    expect(log).toMatch(/\(config\): Twilio is not configured: missing Auth Token, From number/);
    expect(log).toContain("TWILIO_AUTH_TOKEN, TWILIO_FROM");
    expect(await lib.sendTestSms(TO)).toMatchObject({
      ok: false,
      provider: "twilio",
      message: expect.stringContaining("Twilio is not configured: missing Auth Token, From number"),
    });
  });

  it("a Twilio account SID that is not one is a configuration failure", async () => {
    const lib = await load();
    await lib.configure({ provider: "twilio", fallbackProvider: "none", twilioAccountSid: "SK0123" });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({ code: "DELIVERY_FAILED" });
    expect(twilio.calls()).toBe(0);
    expect(logged(errors)).toMatch(/\(config\): invalid configuration: accountSid must start with AC/);
  });
});

describe("outbox provider", () => {
  it("stores the SMS in the outbox instead of sending it", async () => {
    const lib = await load();
    await lib.configure({ provider: "outbox", fallbackProvider: "none" });
    await lib.sendSms({ to: TO, body: "Your code is 998877.", code: "998877" });
    const [row] = await lib.listOutbox(TO);
    expect(row).toMatchObject({ channel: "sms", to: TO, body: "Your code is 998877." });
    expect([twilio.calls(), clickatell.calls()]).toEqual([0, 0]);
    expect(await lib.sendTestSms(TO)).toEqual({ ok: true, provider: "outbox", message: expect.stringMatching(/^Sent through Outbox/), failedOver: false });
  });

  it("can be the fallback", async () => {
    const lib = await load();
    await lib.configure({ provider: "clickatell", fallbackProvider: "outbox" });
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    clickatell.mode("5xx");
    const to = "+14155550177";
    await lib.sendSms({ to, body: "fallback body" });
    expect((await lib.listOutbox(to)).map((r) => r.body)).toEqual(["fallback body"]);
  });
});

describe("Send test SMS (S4)", () => {
  it("goes the way codes go and says which provider delivered, and which failed before it", async () => {
    const lib = await load();
    await lib.configure({ provider: "twilio", fallbackProvider: "clickatell" });
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(await lib.sendTestSms(TO)).toMatchObject({ ok: true, provider: "twilio", failedOver: false, message: "Sent through Twilio." });
    twilio.mode("5xx");
    const over = await lib.sendTestSms(TO);
    expect(over).toMatchObject({ ok: true, provider: "clickatell", failedOver: true });
    expect((over as { message: string }).message).toMatch(/^Twilio failed \(unavailable\): .*\. Sent through the fallback provider, Clickatell\.$/);
    clickatell.mode("5xx");
    const none = await lib.sendTestSms(TO);
    expect(none).toMatchObject({ ok: false, provider: "twilio" });
    expect((none as { message: string }).message).toMatch(/Twilio failed .*; Clickatell failed/);
    expect([twilio.calls(), clickatell.calls()]).toEqual([3, 2]);
  });

  it("obeys the country allowlist: a number outside it reaches no provider", async () => {
    const lib = await load();
    await lib.configure({ provider: "twilio", fallbackProvider: "none" });
    // The regional country (US) is the default allowlist: a UK number is outside it.
    const result = await lib.sendTestSms("+447400123456");
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/not on the SMS country allowlist/) });
    expect(twilio.calls()).toBe(0);
  });
});

describe("numbers", () => {
  it("refuses a number that is not E.164 without calling a provider", async () => {
    const lib = await load();
    await lib.configure({ provider: "twilio", fallbackProvider: "clickatell" });
    vi.spyOn(console, "error").mockImplementation(() => {});
    for (const to of ["4155550199", "+0155550199", "+1 415 555 0199", ""]) {
      await expect(lib.sendSms({ to, body: "hello" })).rejects.toMatchObject({
        code: "DELIVERY_FAILED",
        message: expect.stringMatching(/phone number isn't valid/),
      });
    }
    expect([twilio.calls(), clickatell.calls()]).toEqual([0, 0]);
  });
});
