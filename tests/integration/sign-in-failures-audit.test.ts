// Failures in the audit log (T9, seed 001): a refused phone sign-in code and a refused security-key
// sign-in are "Sign-in failed" entries naming the account when one matched, while the visitor's
// answer stays the same; a failed "Send test SMS" reads as failed, not as sent.
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { auditLog } from "@/db/schema";
import { blockAccount, createAccountByAdmin } from "@/lib/accounts/admin";
import { listAudit } from "@/lib/audit";
import { actionLabel } from "@/lib/audit/actions";
import { sessionCookieName } from "@/lib/auth/cookie";
import { signInWithSecurityKey } from "@/lib/auth/security-key-sign-in";
import { deliveriesSettled } from "@/lib/delivery/deferred";
import { listOutbox } from "@/lib/delivery/outbox";
import { authenticationOptions, finishRegistration, registrationOptions, relyingParty } from "@/lib/factors/webauthn";
import { finishPhoneLogin, startPhoneLogin } from "@/lib/phone/login";
import { ErrorCodes } from "@/lib/shared/errors";
import { sendTestSmsAction } from "@/app/admin/settings/sms/actions";
import { PASSWORD, createUser, signedInSession, smsClient, uniqueEmail } from "../support/fixtures";
import { jar } from "../support/cookie-jar";
import { rejection } from "../support/rejection";
import { SoftAuthenticator } from "../support/soft-authenticator";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

beforeEach(() => jar.clear());

const IP = "203.0.113.7";

const failures = (where: { userId?: string; method: string }) =>
  db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, "signin.failed"), where.userId ? eq(auditLog.userId, where.userId) : undefined))
    .then((rows) => rows.filter((r) => (r.detail as { method?: string } | null)?.method === where.method));

/** A code other than `code`, of the same shape. */
const otherThan = (code: string) => (code === "000000" ? "111111" : "000000");

describe("a phone sign-in with a refused code", () => {
  it("is audited under the account that has the number, with the method and the IP", async () => {
    const phone = "+14155553101";
    const user = await createAccountByAdmin({ name: "Pia Phone", email: uniqueEmail(), password: PASSWORD, emailConfirmed: true, phone, actorId: null });
    await startPhoneLogin(phone, null, smsClient());
    await deliveriesSettled();
    const [sms] = (await listOutbox(phone)).filter((m) => m.channel === "sms");
    const code = /(\d{6})/.exec(sms!.body)![1]!;

    const err = await rejection(finishPhoneLogin(phone, otherThan(code), IP));
    expect(err).toMatchObject({ code: ErrorCodes.INVALID_CODE, message: "That code is not right. Check it and try again." });
    const [entry] = await failures({ userId: user.id, method: "sms_code" });
    expect(entry).toMatchObject({ userId: user.id, actorId: null, ip: IP, detail: { method: "sms_code" } });
    const [row] = await listAudit({ action: "signin.failed", user: user.email! });
    expect(row).toMatchObject({ actorLabel: "visitor (not signed in)", accountLabel: `Pia Phone (${user.email})` });
    expect(actionLabel(row!.action, row!.detail)).toBe("Sign-in failed (SMS code)");

    // The right code still signs in.
    expect((await finishPhoneLogin(phone, code, IP)).id).toBe(user.id);
  });

  it("for a number no account has: audited without an account, answered alike", async () => {
    const phone = "+14155553102";
    const before = (await failures({ method: "sms_code" })).length;
    await startPhoneLogin(phone, null, smsClient());
    const err = await rejection(finishPhoneLogin(phone, "123456", IP));
    expect(err).toMatchObject({ code: ErrorCodes.INVALID_CODE, message: "That code is not right. Check it and try again." });
    const after = await failures({ method: "sms_code" });
    expect(after).toHaveLength(before + 1);
    expect(after.filter((r) => r.ip === IP && r.userId === null)).toHaveLength(1);
  });

  it("a code that is not six digits is not a try: nothing is audited", async () => {
    const before = (await failures({ method: "sms_code" })).length;
    expect((await rejection(finishPhoneLogin("+14155553103", "12ab", IP))).code).toBe(ErrorCodes.INVALID_INPUT);
    expect(await failures({ method: "sms_code" })).toHaveLength(before);
  });
});

describe("a security-key sign-in refused once the key named its account", () => {
  it("a blocked account: the entry carries the account", async () => {
    const user = await createUser({ name: "Bea Blocked" });
    const { rpID, origin } = relyingParty();
    const key = new SoftAuthenticator({ origin, rpId: rpID });
    await finishRegistration(user.id, key.register(await registrationOptions(user)), "Blue key");
    await blockAccount(user.id, null);

    const options = await authenticationOptions(null);
    const err = await rejection(signInWithSecurityKey(key.authenticate(options), "/dashboard", IP));
    expect(err.code).toBe(ErrorCodes.ACCOUNT_BLOCKED);
    expect(await failures({ userId: user.id, method: "webauthn" })).toMatchObject([{ userId: user.id, ip: IP }]);
  });
});

describe("Send test SMS", () => {
  const send = (phone: string) => {
    const form = new FormData();
    form.set("phone", phone);
    form.set("phoneCountry", "");
    return sendTestSmsAction(null, form);
  };

  it("a test that failed is its own entry and reads as failed; one that worked reads as sent", async () => {
    const admin = await createUser({ isAdmin: true, name: "Sid Sms" });
    jar.set(sessionCookieName(), await signedInSession(admin.id));

    // Outside the country allowlist (the regional country, US): no provider is tried.
    expect(await send("+44 7400 123456")).toMatchObject({ ok: false, message: expect.stringMatching(/^The test SMS was not sent: /) });
    const [failed] = await listAudit({ action: "sms.test_failed" });
    expect(failed).toMatchObject({ actorId: admin.id, detail: { ok: false, provider: "outbox" } });
    expect(actionLabel(failed!.action, failed!.detail)).toBe("Test SMS failed");
    expect(await listAudit({ action: "sms.test_sent" })).toHaveLength(0);

    expect(await send("+1 415 555 3104")).toMatchObject({ ok: true });
    const [sent] = await listAudit({ action: "sms.test_sent" });
    expect(sent).toMatchObject({ actorId: admin.id, detail: { ok: true, provider: "outbox", failedOver: false } });
    expect(actionLabel(sent!.action, sent!.detail)).toBe("Test SMS sent");
  });

  it("a failed test stored under the sent action reads as failed too", () => {
    expect(actionLabel("sms.test_sent", { ok: false, provider: "twilio" })).toBe("Test SMS failed");
    expect(actionLabel("sms.test_sent", { ok: true, provider: "twilio", failedOver: true })).toBe("Test SMS sent");
  });
});
