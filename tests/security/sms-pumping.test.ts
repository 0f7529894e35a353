// SMS pumping (S8): every budget is checked before the provider is called, so a refused request
// costs nothing. The provider is the Twilio stand-in; its call count is the bill.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN, type TwilioFake } from "../fakes/twilio";
import { ErrorCodes } from "@/lib/shared/errors";
import { settle } from "./support";

/** The error code a refused send gives (modules are loaded afresh here, so no instanceof). */
const refusedWith = (p: Promise<unknown>) =>
  p.then(
    () => "sent",
    (err: { code?: string }) => err.code ?? String(err),
  );

let twilio: TwilioFake;

/** lib/env caches the environment on first use: pin Twilio (the stand-in), then load the lib modules afresh. */
async function load() {
  vi.stubEnv("LATCHKEY_SMS_PROVIDER", "twilio");
  vi.stubEnv("TWILIO_ACCOUNT_SID", TWILIO_SID);
  vi.stubEnv("TWILIO_AUTH_TOKEN", TWILIO_TOKEN);
  vi.stubEnv("TWILIO_FROM", "+15005550006");
  vi.stubEnv("TWILIO_BASE_URL", twilio.url);
  vi.stubEnv("LATCHKEY_SMS_TIMEOUT_MS", "3000");
  vi.resetModules();
  return {
    ...(await import("@/lib/codes/send")),
    ...(await import("@/lib/phone/login")),
    ...(await import("@/lib/phone/register")),
    ...(await import("@/lib/phone/confirm")),
    ...(await import("@/lib/settings")),
    peek: (await import("@/lib/limits/store")).peek,
    LIMITS: (await import("@/lib/limits/catalogue")).LIMITS,
    fixtures: await import("../support/fixtures"),
    db: (await import("@/lib/db")).db,
    schema: await import("@/db/schema"),
  };
}
let lib: Awaited<ReturnType<typeof load>>;

/** One SMS code through the sending pipeline, as every form sends it. */
const sendPhoneCode = (x: { purpose: Parameters<typeof lib.sendCode>[0]["purpose"]; phone: string; userId?: string; ip?: string }) =>
  lib.sendCode({ purpose: x.purpose, channel: "sms", target: x.phone }, { userId: x.userId, ip: x.ip });

beforeAll(async () => {
  twilio = await startTwilioFake();
  lib = await load();
  // These cases prove the per-number, per-prefix, per-IP and daily budgets: the site-wide limit on
  // new numbers (sms-clients.test.ts) is set out of their way.
  const sms = await lib.getSettings("sms");
  await lib.updateSettings("sms", { ...sms, newNumbersHourly: 100_000 }, null);
});
afterAll(async () => {
  await twilio.close();
  vi.unstubAllEnvs();
});
beforeEach(() => {
  twilio.requests.length = 0;
});

// US numbers (the default regional country, so the default allowlist) under distinct prefixes per test.
const number = (prefix: string, n: number) => `+1${prefix}${String(n).padStart(4, "0")}`;

describe("SMS pumping", () => {
  it("one number hammered in parallel: one SMS, every other request refused before the provider", async () => {
    const phone = number("415723", 1);
    const { ok, errors } = await settle(Array.from({ length: 40 }, () => lib.startPhoneRegistration(phone, null, lib.fixtures.smsClient())));
    expect(ok).toHaveLength(1);
    expect(errors.every((e) => (e as { code?: string }).code === ErrorCodes.RESEND_COOLDOWN)).toBe(true);
    expect(twilio.calls()).toBe(1);
  });

  it("one number over time: at most 5 codes per 10 minutes, whatever the cooldown", async () => {
    const phone = number("415724", 2);
    let sent = 0;
    for (let i = 0; i < 8; i++) {
      // Step past the 30-second cooldown of the previous code, as a patient attacker would.
      await lib.fixtures.passResendCooldowns();
      try {
        await sendPhoneCode({ purpose: "phone_register", phone });
        sent++;
      } catch (err) {
        expect((err as { code?: string }).code).toBe(ErrorCodes.RATE_LIMITED);
      }
    }
    expect(sent).toBe(5);
    expect(twilio.calls()).toBe(5);
  });

  it("sequential numbers under one prefix: stops at the per-prefix budget", async () => {
    const { LIMITS } = lib;
    const tries = LIMITS.smsPerPrefix("").max + 10;
    let refused = 0;
    for (let i = 0; i < tries; i++) {
      try {
        await lib.startPhoneRegistration(number("415725", i), null, lib.fixtures.smsClient());
      } catch (err) {
        expect((err as { code?: string }).code).toBe(ErrorCodes.RATE_LIMITED);
        refused++;
      }
    }
    expect(refused).toBe(10);
    expect(twilio.calls()).toBe(LIMITS.smsPerPrefix("").max);
    // Another prefix is not affected.
    await lib.startPhoneRegistration(number("415726", 0), null, lib.fixtures.smsClient());
    expect(twilio.calls()).toBe(LIMITS.smsPerPrefix("").max + 1);
  });

  it("one client IP walking many numbers: stops at the per-IP budget (when the IP is known)", async () => {
    const { LIMITS } = lib;
    for (let i = 0; i < LIMITS.smsPerIp("").max + 5; i++) {
      // Each number under its own prefix, so only the per-IP budget applies.
      const outcome = await refusedWith(lib.startPhoneRegistration(`+1201${700 + i}1234`, "198.51.100.7", lib.fixtures.smsClient()));
      expect(outcome).toBe(i < LIMITS.smsPerIp("").max ? "sent" : ErrorCodes.RATE_LIMITED);
    }
    expect(twilio.calls()).toBe(LIMITS.smsPerIp("").max);
  });

  it("countries outside the allowlist get no SMS: registration, sign-in, 2FA and confirmation sends", async () => {
    const uk = "+447400123456";
    for (const send of [
      () => lib.startPhoneRegistration(uk, null, lib.fixtures.smsClient()),
      () => lib.startPhoneLogin(uk, null, lib.fixtures.smsClient()),
      () => sendPhoneCode({ purpose: "two_factor", phone: uk }),
      () => sendPhoneCode({ purpose: "phone_confirm", phone: uk }),
    ]) {
      expect(await refusedWith(send())).toBe(ErrorCodes.NOT_ALLOWED);
    }
    expect(twilio.calls()).toBe(0);
    // Allowing the country lets it through.
    const sms = await lib.getSettings("sms");
    await lib.updateSettings("sms", { ...sms, allowedCountries: ["US", "GB"] }, null);
    try {
      await lib.startPhoneRegistration(uk, null, lib.fixtures.smsClient());
      expect(twilio.calls()).toBe(1);
    } finally {
      await lib.updateSettings("sms", sms, null);
    }
  });

  it("the per-number daily budget and the global daily budget hold", async () => {
    const sms = await lib.getSettings("sms");
    const phone = number("415727", 7);
    let sent = 0;
    for (let i = 0; i < sms.perNumberDaily + 2; i++) {
      await lib.fixtures.passResendCooldowns();
      // A new purpose each time keeps the 5-per-10-minutes budget per target out of the way.
      const purpose = (["phone_register", "phone_confirm", "two_factor"] as const)[i % 3]!;
      const outcome = await refusedWith(sendPhoneCode({ purpose, phone }));
      if (outcome === "sent") sent++;
      else expect(outcome).toBe(ErrorCodes.RATE_LIMITED);
    }
    expect(sent).toBe(sms.perNumberDaily);
    expect(twilio.calls()).toBe(sms.perNumberDaily);

    // The global budget: room for 3 more today, then every number is refused.
    const used = (await lib.peek(lib.LIMITS.smsPerDay(sms.globalDaily))).count;
    await lib.updateSettings("sms", { ...sms, globalDaily: used + 3 }, null);
    try {
      const outcomes = [];
      for (let i = 0; i < 6; i++) outcomes.push(await refusedWith(sendPhoneCode({ purpose: "phone_register", phone: number("415728", i) })));
      expect(outcomes).toEqual(["sent", "sent", "sent", ErrorCodes.RATE_LIMITED, ErrorCodes.RATE_LIMITED, ErrorCodes.RATE_LIMITED]);
      expect(twilio.calls()).toBe(sms.perNumberDaily + 3);
    } finally {
      await lib.updateSettings("sms", sms, null);
    }
  });
});
