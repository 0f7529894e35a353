// The 2FA policy (T1, T6, T8, T10) and managing one's own methods (T7): who is asked, with what, and what is refused.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { users } from "@/db/schema";
import { getUser } from "@/lib/accounts";
import { auditLog } from "@/db/schema";
import { ErrorCodes } from "@/lib/errors";
import { getSettings, updateSettings } from "@/lib/settings";
import { confirmTotpEnrolment, beginTotpEnrolment } from "@/lib/totp";
import {
  accountsWithoutPhone,
  firstFactorSatisfies,
  loadPolicy,
  managerStepUpNeeded,
  beginTotpAtSignIn,
  confirmTotpAtSignIn,
  keyOptionsAtSignIn,
  mayUse,
  methodsFor,
  sendSecondFactorCode,
  needsSecondFactor,
  newAccountTwoFactorDefaults,
  surfaceOf,
} from "@/lib/two-factor";
import { afterEnrolment, choosePrimaryAndBackup, enrolmentOf, removeMethod, setTwoFactorFor } from "@/lib/two-factor-methods";
import { createUser, setAccountSettings } from "../support/fixtures";
import { rejection } from "../support/rejection";

async function setTwoFactor(patch: Record<string, unknown>) {
  const current = await getSettings("twoFactor");
  return updateSettings("twoFactor", { ...current, ...patch }, null);
}

describe("2FA policy", () => {
  it("asks only when the master switch is on and the account has 2FA for that app", async () => {
    const user = await createUser();
    await setAccountSettings({ enable2fa: false });
    await db.update(users).set({ twoFactorWeb: true }).where(eq(users.id, user.id));
    const fresh = (await getUser(user.id))!;
    expect(needsSecondFactor(fresh, await loadPolicy(), "web")).toBe(false);
    await setAccountSettings({ enable2fa: true });
    expect(needsSecondFactor(fresh, await loadPolicy(), "web")).toBe(true);
    await db.update(users).set({ twoFactorWeb: false }).where(eq(users.id, user.id));
    expect(needsSecondFactor((await getUser(user.id))!, await loadPolicy(), "web")).toBe(false);
  });

  it("Manager-app-only 2FA: no second step for the Web app, a step-up for /admin", async () => {
    await setAccountSettings({ enable2fa: true });
    const admin = await createUser({ isAdmin: true });
    await db.update(users).set({ twoFactorManager: true, twoFactorWeb: false }).where(eq(users.id, admin.id));
    const a = (await getUser(admin.id))!;
    const policy = await loadPolicy();
    expect(surfaceOf("/admin/accounts")).toBe("manager");
    expect(surfaceOf("/administrator")).toBe("web");
    expect(needsSecondFactor(a, policy, "web")).toBe(false);
    expect(needsSecondFactor(a, policy, "manager")).toBe(true);
    expect(managerStepUpNeeded(a, policy, null)).toBe(true);
    expect(managerStepUpNeeded(a, policy, new Date())).toBe(false);
  });

  it("new accounts start with the default switches (T6)", async () => {
    await setTwoFactor({ defaultWeb: true, defaultManager: false });
    expect(await newAccountTwoFactorDefaults()).toEqual({ twoFactorWeb: true, twoFactorManager: false });
    const user = await createUser();
    expect(user.twoFactorWeb).toBe(true);
    await setTwoFactor({ defaultWeb: false });
    expect((await createUser()).twoFactorWeb).toBe(false);
  });

  it("methods follow the allowed list and the delivery policy; email_only replaces SMS by email", async () => {
    const user = await createUser();
    await setTwoFactor({ allowedMethods: ["sms", "email", "totp", "webauthn"], deliveryPolicy: "sms_then_email", defaultMethod: "sms" });
    // Nothing set up: nothing to use, everything allowed may be set up (T11), the default first.
    let m = await methodsFor(user, await loadPolicy());
    expect(m.available).toEqual([]);
    expect(m.enrol).toEqual(["sms", "email", "totp", "webauthn"]);
    expect(m.primary).toBe("sms");
    // A confirmed phone is the SMS method; the confirmed address is its fallback, not a method of its own (T7).
    await db.update(users).set({ phone: "+14155550100", phoneVerifiedAt: new Date() }).where(eq(users.id, user.id));
    m = await methodsFor((await getUser(user.id))!, await loadPolicy());
    expect(m.available).toEqual(["sms"]);
    expect(m.enrol).toEqual([]);
    expect(m.emailFallback).toBe(true);
    expect(mayUse(m, "email")).toBe(true);
    expect(mayUse(m, "totp")).toBe(false);
    expect(mayUse(m, "recovery")).toBe(false);
    await setTwoFactor({ deliveryPolicy: "email_only" });
    m = await methodsFor((await getUser(user.id))!, await loadPolicy());
    expect(m.available).toEqual(["email"]);
    expect(m.primary).toBe("email");
    expect(m.emailFallback).toBe(false);
    await setTwoFactor({ deliveryPolicy: "sms_then_email" });
    // Without the SMS right, SMS is not offered, nor set up.
    await db.update(users).set({ canReceiveSms: false }).where(eq(users.id, user.id));
    m = await methodsFor((await getUser(user.id))!, await loadPolicy());
    expect(m.available).not.toContain("sms");
    expect(m.enrol).toEqual(["email", "totp", "webauthn"]);
    // Email codes once the address is confirmed as a method.
    await db.update(users).set({ twoFactorEmailConfirmedAt: new Date() }).where(eq(users.id, user.id));
    m = await methodsFor((await getUser(user.id))!, await loadPolicy());
    expect(m.available).toEqual(["email"]);
    expect(m.enrol).toEqual([]);
  });

  it("sign-in offers only what is set up; setting up a method there is refused once one exists (T7, T11)", async () => {
    await setTwoFactor({ allowedMethods: ["sms", "email", "totp", "webauthn"], deliveryPolicy: "sms_then_email", defaultMethod: "sms" });
    const user = await createUser();
    // Nothing set up yet: the authenticator app may be set up during sign-in.
    const { secret } = await beginTotpAtSignIn(user);
    const { generate } = await import("otplib");
    await confirmTotpAtSignIn(user, await generate({ secret, epoch: Math.floor(Date.now() / 1000) }));
    const withApp = (await getUser(user.id))!;
    expect((await methodsFor(withApp, await loadPolicy())).available).toEqual(["totp"]);
    // Now a method exists: no second set-up during sign-in, and no email code for an address not set up.
    expect((await rejection(beginTotpAtSignIn(withApp))).code).toBe(ErrorCodes.NOT_ALLOWED);
    expect((await rejection(keyOptionsAtSignIn(withApp))).code).toBe(ErrorCodes.NOT_ALLOWED);
    expect((await rejection(sendSecondFactorCode(withApp, "email", null))).code).toBe(ErrorCodes.NOT_ALLOWED);
    expect((await rejection(sendSecondFactorCode(withApp, "sms", null, "+14155550123"))).code).toBe(ErrorCodes.NOT_ALLOWED);
  });

  it("a phone-code sign-in is the SMS factor; a user-verified key is enough by itself (T10)", async () => {
    const user = await createUser();
    await setTwoFactor({ allowedMethods: ["sms", "email", "totp", "webauthn"], defaultMethod: "sms" });
    const m = await methodsFor(user, await loadPolicy());
    expect(firstFactorSatisfies("sms_code", m)).toBe(true);
    expect(firstFactorSatisfies("password", m)).toBe(false);
    expect(firstFactorSatisfies("webauthn", m, true)).toBe(true);
    expect(firstFactorSatisfies("webauthn", m, false)).toBe(false);
    expect(firstFactorSatisfies("sms_code", { ...m, primary: "totp" })).toBe(false);
  });

  it("counts and lists accounts without a confirmed phone (T8)", async () => {
    const before = await accountsWithoutPhone(1000);
    const user = await createUser();
    const after = await accountsWithoutPhone(1000);
    expect(after.count).toBe(before.count + 1);
    expect(after.rows.map((r) => r.id)).toContain(user.id);
  });
});

describe("managing one's own methods", () => {
  it("the first enrolment becomes primary and returns 10 recovery codes once; the second becomes backup", async () => {
    const user = await createUser();
    const first = await afterEnrolment(user.id, "email");
    expect(first).toHaveLength(10);
    const second = await afterEnrolment(user.id, "totp");
    expect(second).toBeNull();
    const u = (await getUser(user.id))!;
    expect(u.primaryMethod).toBe("email");
    expect(u.backupMethod).toBe("totp");
  });

  it("refuses to remove the last method while 2FA is required, and to turn 2FA on with no method", async () => {
    await setAccountSettings({ enable2fa: true });
    const user = await createUser();
    expect((await rejection(setTwoFactorFor(user, "web", true, user.id))).code).toBe(ErrorCodes.NOT_ALLOWED);
    const { secret } = await beginTotpEnrolment(user.id, user.email!);
    const now = Math.floor(Date.now() / 1000);
    const code = await (async () => {
      const { generate } = await import("otplib");
      return generate({ secret, epoch: now });
    })();
    await confirmTotpEnrolment(user.id, code);
    await afterEnrolment(user.id, "totp");
    expect((await enrolmentOf((await getUser(user.id))!)).totp).toBe(true);
    await setTwoFactorFor((await getUser(user.id))!, "web", true, user.id);
    const err = await rejection(removeMethod((await getUser(user.id))!, "totp"));
    expect(err.code).toBe(ErrorCodes.NOT_ALLOWED);
    expect(err.message).toMatch(/last two-step method/);
    // The switch change was audited per app.
    const entries = await db.select().from(auditLog).where(eq(auditLog.userId, user.id));
    expect(entries.some((e) => e.action === "two_factor.enabled" && (e.detail as { app?: string })?.app === "web")).toBe(true);
    // With 2FA off for the account, the last method can go.
    await setTwoFactorFor((await getUser(user.id))!, "web", false, user.id);
    await removeMethod((await getUser(user.id))!, "totp");
    const after = (await getUser(user.id))!;
    expect(after.totpSecret).toBeNull();
    expect(after.primaryMethod).toBeNull();
  });

  it("primary and backup must be set up and different", async () => {
    const user = await createUser();
    expect((await rejection(choosePrimaryAndBackup(user, "totp", null))).field).toBe("primary");
    await db.update(users).set({ twoFactorEmailConfirmedAt: new Date() }).where(eq(users.id, user.id));
    const u = (await getUser(user.id))!;
    expect((await rejection(choosePrimaryAndBackup(u, "email", "email"))).field).toBe("backup");
    await choosePrimaryAndBackup(u, "email", null);
    expect((await getUser(user.id))!.primaryMethod).toBe("email");
  });
});
