// SMS configuration (S4, O3, O4): credentials sealed at rest, environment variables pin values and win
// over stored ones, and the admin view shows which values come from the environment, secrets masked.
import { describe, expect, it, vi } from "vitest";
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN } from "../fakes/twilio";
import { loadSmsLib, providerFake } from "../support/sms-lib";

const fake = providerFake(() => startTwilioFake());
const TO = "+14155550142";
const CLICKATELL_SECRET = "clickatell-stored-key-7a7a7a";

/** lib/sms with the fakes' base URLs (see tests/support/sms-lib.ts). */
async function load(env: Record<string, string> = {}) {
  const lib = await loadSmsLib({ TWILIO_BASE_URL: fake.url, ...env });
  const { db } = await import("@/lib/db");
  const { settings, auditLog } = await import("@/db/schema");
  const { eq } = await import("drizzle-orm");
  const storedRow = async () => JSON.stringify((await db.select().from(settings).where(eq(settings.key, "sms")))[0]?.value ?? null);
  const auditText = async () => JSON.stringify(await db.select().from(auditLog));
  return { ...lib, storedRow, auditText };
}

describe("SMS credentials at rest", () => {
  it("are sealed when saved: neither the settings row nor the audit log holds them, and sending still works", async () => {
    const lib = await load();
    await lib.updateSmsSettings(
      {
        provider: "twilio",
        twilioAccountSid: TWILIO_SID,
        twilioAuthToken: TWILIO_TOKEN,
        twilioFrom: "+15005550006",
        clickatellApiKey: CLICKATELL_SECRET,
      },
      null,
    );
    const row = await lib.storedRow();
    expect(row).not.toContain(TWILIO_TOKEN);
    expect(row).not.toContain(CLICKATELL_SECRET);
    expect((await lib.getSettings("sms")).twilioAuthToken).toMatch(/^v1\./);
    expect(row).toContain(TWILIO_SID); // not a secret
    const audit = await lib.auditText();
    expect(audit).toContain("twilioAuthToken");
    expect(audit).not.toContain(TWILIO_TOKEN);

    await lib.sendSms({ to: TO, body: "hello" });
    expect(fake.requests[0]!.authorization).toBe(`Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString("base64")}`);
  });

  it("a blank secret keeps the stored one; null clears it", async () => {
    const lib = await load();
    const before = (await lib.getSettings("sms")).twilioAuthToken;
    await lib.updateSmsSettings({ twilioAuthToken: "", twilioFrom: "+15005550007" }, null);
    const kept = await lib.getSettings("sms");
    expect(kept.twilioAuthToken).toBe(before);
    expect(kept.twilioFrom).toBe("+15005550007");
    await lib.updateSmsSettings({ clickatellApiKey: null }, null);
    expect((await lib.getSettings("sms")).clickatellApiKey).toBe("");
    expect((await lib.resolveSmsConfig()).providers.clickatell).toMatchObject({ configured: false, missing: ["API key"] });
  });

  it("a secret sealed under another AUTH_SECRET is reported as unreadable, not used", async () => {
    const other = await load({ AUTH_SECRET: "another-secret-0123456789-abcdefghijklmnop" });
    await other.updateSmsSettings({ provider: "twilio", twilioAuthToken: TWILIO_TOKEN }, null);
    const lib = await load();
    const view = await lib.resolveSmsConfig();
    const token = view.providers.twilio.fields.find((f) => f.key === "twilioAuthToken")!;
    expect(token).toMatchObject({ set: false, unreadable: true, value: "" });
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(lib.sendSms({ to: TO, body: "hello" })).rejects.toMatchObject({ code: "DELIVERY_FAILED" });
    expect(fake.calls()).toBe(0);
    expect(errors.mock.calls.map(String).join("\n")).toMatch(/missing Auth Token \(Auth Token stored but cannot be decrypted/);
    await lib.updateSmsSettings({ twilioAuthToken: TWILIO_TOKEN }, null);
  });
});

describe("environment variables", () => {
  it("win over stored values, provider included", async () => {
    const lib = await load();
    await lib.updateSmsSettings({ provider: "outbox", twilioAccountSid: `AC${"0".repeat(32)}`, twilioAuthToken: "stored-wrong-token" }, null);
    const pinned = await load({
      LATCHKEY_SMS_PROVIDER: "twilio",
      TWILIO_ACCOUNT_SID: TWILIO_SID,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_FROM: "+15005550009",
    });
    await pinned.sendSms({ to: TO, body: "pinned" });
    expect(fake.calls()).toBe(1);
    const r = fake.requests[0]!;
    expect(r.path).toBe(`/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`);
    expect(r.authorization).toBe(`Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString("base64")}`);
    expect(r.form.From).toBe("+15005550009");
  });

  it("are shown as set by the environment, secrets masked, and not overwritten by the form", async () => {
    const lib = await load({
      LATCHKEY_SMS_PROVIDER: "twilio",
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_FROM: "+15005550009",
      CLICKATELL_BASE_URL: "http://proxy.example.test/clickatell/",
    });
    const view = await lib.resolveSmsConfig();
    expect(view).toMatchObject({ provider: "twilio", providerSetByEnvironment: true });
    expect(view.setByEnvironment.sort()).toEqual(["provider", "twilioAuthToken", "twilioFrom"]);
    const twilio = view.providers.twilio;
    expect(twilio.configured).toBe(true);
    expect(twilio.baseUrl).toBe(fake.url);
    expect(twilio.baseUrlSetByEnvironment).toBe(true);
    const field = (k: string) => twilio.fields.find((f) => f.key === k)!;
    expect(field("twilioAuthToken")).toMatchObject({ secret: true, set: true, setByEnvironment: true, value: `••••${TWILIO_TOKEN.slice(-4)}` });
    expect(field("twilioFrom")).toMatchObject({ value: "+15005550009", setByEnvironment: true, env: "TWILIO_FROM" });
    expect(field("twilioAccountSid")).toMatchObject({ setByEnvironment: false });
    expect(view.providers.clickatell.baseUrl).toBe("http://proxy.example.test/clickatell");
    expect(view.providers.twofactor).toMatchObject({ baseUrl: "https://2factor.in", baseUrlSetByEnvironment: false, configured: false });
    expect(JSON.stringify(view)).not.toContain(TWILIO_TOKEN);

    await lib.updateSmsSettings({ twilioFrom: "+15005550001", twilioAuthToken: "typed-over-env" }, null);
    const stored = await lib.getSettings("sms");
    expect(stored.twilioFrom).not.toBe("+15005550001");
    expect(await lib.storedRow()).not.toContain("typed-over-env");
  });
});
