// Messages that would reveal an account if their sending shaped the answer (recovery, phone sign-in,
// resend-confirmation) are delivered after it (lib/background.ts). Against the real SDKs and their
// stand-ins: a failed delivery consumes nothing and gives the cooldown back, so asking again works at
// once (O5); the channel is marked as having trouble for every visitor until a delivery succeeds.
import { loadAccountsLib } from "../support/accounts-lib";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN, type TwilioFake } from "../fakes/twilio";
import { startFakeResend, type FakeResend } from "../fakes/resend";
import { loadSmsLib } from "../support/sms-lib";

let twilio: TwilioFake;
let resend: FakeResend;

async function load() {
  // lib/sms's loader pins the environment (Twilio and Resend at their stand-ins) and reloads the modules.
  await loadSmsLib({
    LATCHKEY_SMS_PROVIDER: "twilio",
    TWILIO_ACCOUNT_SID: TWILIO_SID,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    TWILIO_FROM: "+15005550006",
    TWILIO_BASE_URL: twilio.url,
    LATCHKEY_SMS_TIMEOUT_MS: "3000",
    RESEND_API_KEY: resend.apiKey,
    RESEND_BASE_URL: resend.url,
    LATCHKEY_EMAIL_FROM: "Latchkey Tests <auth@latchkey.test>",
  });
  return {
    ...(await import("@/lib/delivery/deferred")),
    ...(await import("@/lib/phone/login")),
    ...(await import("@/lib/phone/register")),
    ...(await import("@/lib/phone/confirm")),
    ...(await import("@/lib/accounts/recovery")),
    accounts: await loadAccountsLib(),
    fixtures: await import("../support/fixtures"),
  };
}
let lib: Awaited<ReturnType<typeof load>>;

beforeAll(async () => {
  twilio = await startTwilioFake();
  resend = await startFakeResend();
  lib = await load();
});
afterAll(async () => {
  await Promise.all([twilio.close(), resend.close()]);
  vi.unstubAllEnvs();
});
beforeEach(() => {
  twilio.mode("ok");
  twilio.requests.length = 0;
  resend.reset();
  vi.spyOn(console, "error").mockImplementation(() => {});
  vi.spyOn(console, "warn").mockImplementation(() => {});
});

let serial = 0;
async function accountWithPhone() {
  const phone = `+1646${String(5550100 + serial++)}`;
  const email = lib.fixtures.uniqueEmail("later");
  await lib.accounts.createAccountByAdmin({ name: "Later", email, password: lib.fixtures.PASSWORD, emailConfirmed: false, phone, actorId: null });
  return { phone, email };
}

const smsCodeTo = (phone: string) => {
  const body = twilio.requests.filter((r) => r.form.To === phone).at(-1)?.form.Body ?? "";
  return body.match(/\b(\d{6})\b/)?.[1];
};
const mailCodeTo = (email: string) =>
  resend.sent
    .filter((m) => m.to.includes(email))
    .at(-1)
    ?.text?.match(/\b(\d{6})\b/)?.[1];

describe("phone sign-in SMS after the answer", () => {
  it("answers before the provider is called; the SMS follows", async () => {
    const { phone } = await accountWithPhone();
    await lib.answerFirst(async () => {
      await lib.startPhoneLogin(phone, null, lib.fixtures.smsClient());
      expect(twilio.calls()).toBe(0);
    });
    await lib.deliveriesSettled();
    expect(twilio.calls()).toBe(1);
    const user = await lib.finishPhoneLogin(phone, smsCodeTo(phone)!);
    expect(user.phone).toBe(phone);
  });

  it("a failed delivery leaves no code, gives the cooldown back and marks SMS as having trouble, for everyone; the retry works", async () => {
    const { phone } = await accountWithPhone();
    twilio.mode("5xx");
    await lib.startPhoneLogin(phone, null, lib.fixtures.smsClient()); // the answer is the same as for any number
    await lib.deliveriesSettled();
    expect(twilio.calls()).toBe(1);
    expect(await lib.deliveryTrouble("sms")).toBe(true);
    expect(await lib.deliveryTrouble("email")).toBe(false);

    // Nothing usable was left behind by the failed send.
    const failedBody = twilio.requests[0]!.form.Body!;
    const failedCode = failedBody.match(/\b(\d{6})\b/)![1]!;
    await expect(lib.finishPhoneLogin(phone, failedCode)).rejects.toMatchObject({ name: "UserError" });

    // No 30-second wait: asking again at once sends a new code, which signs in and clears the trouble.
    twilio.mode("ok");
    await lib.startPhoneLogin(phone, null, lib.fixtures.smsClient());
    await lib.deliveriesSettled();
    expect(twilio.calls()).toBe(2);
    expect(await lib.deliveryTrouble("sms")).toBe(false);
    const code = smsCodeTo(phone)!;
    expect(code).not.toBe(failedCode);
    expect((await lib.finishPhoneLogin(phone, code)).phone).toBe(phone);
  });
});

describe("recovery and resend-confirmation email after the answer", () => {
  it("recovery: a failed email consumes nothing and can be asked for again at once", async () => {
    const { email } = await accountWithPhone();
    const target = { kind: "email" as const, target: email };
    resend.setMode("fail");
    await lib.startRecovery(target, null, lib.fixtures.smsClient());
    await lib.deliveriesSettled();
    expect(resend.requests.length).toBeGreaterThan(0);
    expect(resend.sent).toHaveLength(0);
    expect(await lib.deliveryTrouble("email")).toBe(true);

    resend.setMode("ok");
    await lib.startRecovery(target, null, lib.fixtures.smsClient());
    await lib.deliveriesSettled();
    expect(await lib.deliveryTrouble("email")).toBe(false);
    const code = mailCodeTo(email);
    expect(code).toMatch(/^\d{6}$/);
    const user = await lib.resetPasswordWithCode(target, code!, "Velvet harbour lantern 72", null);
    expect(user.email).toBe(email);
  });

  it("resend-confirmation: a failed email gives the cooldown back; the retry delivers a working code", async () => {
    const { email } = await accountWithPhone();
    resend.setMode("fail");
    await lib.accounts.resendConfirmationTo(email);
    await lib.deliveriesSettled();
    expect(resend.sent).toHaveLength(0);

    resend.setMode("ok");
    await lib.accounts.resendConfirmationTo(email); // no "Please wait": the failed try gave its cooldown back
    await lib.deliveriesSettled();
    const code = mailCodeTo(email);
    expect(code).toMatch(/^\d{6}$/);
    const { user } = await lib.accounts.confirmEmailWithCode(email, code!);
    expect(user.emailVerifiedAt).toBeTruthy();
  });

  it("an unknown address sends nothing, now or later", async () => {
    await lib.startRecovery({ kind: "email", target: lib.fixtures.uniqueEmail("nobody") }, null, lib.fixtures.smsClient());
    await lib.accounts.resendConfirmationTo(lib.fixtures.uniqueEmail("nobody"));
    await lib.deliveriesSettled();
    expect(resend.requests).toHaveLength(0);
  });
});
