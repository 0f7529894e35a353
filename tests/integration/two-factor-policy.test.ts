// The 2FA policy (T1, T6, T8, T10) and managing one's own methods (T7): who is asked, with what, and what is refused.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { users } from "@/db/schema";
import { getUser } from "@/lib/accounts/queries";
import { auditLog } from "@/db/schema";
import { ErrorCodes } from "@/lib/shared/errors";
import { getSettings, updateSettings } from "@/lib/settings";
import { confirmTotpEnrolment, beginTotpEnrolment } from "@/lib/factors/totp";
import { loadPolicy, managerStepUpNeeded, needsSecondFactor, surfaceOf } from "@/lib/factors/policy";
import { afterEnrolment, enrolmentOf } from "@/lib/factors/enrol";
import { choosePrimaryAndBackup, removeMethod, setTwoFactorFor } from "@/lib/factors/manage";
import { createUser } from "../support/fixtures";
import { finishPhoneConfirmation, startPhoneConfirmation } from "@/lib/phone/confirm";
import { remainingRecoveryCodes } from "@/lib/factors/recovery-codes";
import { deliveriesSettled } from "@/lib/delivery/deferred";
import { rejection } from "../support/rejection";

async function setTwoFactor(patch: Record<string, unknown>) {
  const current = await getSettings("twoFactor");
  return updateSettings("twoFactor", { ...current, ...patch }, null);
}

describe("2FA policy", () => {
  it("accounts switched on individually: asked only when 2FA is enabled and the account's switch is on", async () => {
    const user = await createUser();
    await setTwoFactor({ enable2fa: false, requireFor: "individual" });
    await db.update(users).set({ twoFactorWeb: true }).where(eq(users.id, user.id));
    const fresh = (await getUser(user.id))!;
    expect(needsSecondFactor(fresh, await loadPolicy(), "web")).toBe(false);
    await setTwoFactor({ enable2fa: true });
    expect(needsSecondFactor(fresh, await loadPolicy(), "web")).toBe(true);
    await db.update(users).set({ twoFactorWeb: false }).where(eq(users.id, user.id));
    expect(needsSecondFactor((await getUser(user.id))!, await loadPolicy(), "web")).toBe(false);
  });

  it("everyone: every account, existing and new, whatever its own switch, for the Web and the Manager app", async () => {
    await setTwoFactor({ enable2fa: false, requireFor: "everyone" });
    const existing = await createUser();
    const admin = await createUser({ isAdmin: true });
    await db.update(users).set({ twoFactorWeb: false, twoFactorManager: false }).where(eq(users.id, admin.id));
    await db.update(users).set({ twoFactorWeb: false }).where(eq(users.id, existing.id));
    expect(needsSecondFactor((await getUser(existing.id))!, await loadPolicy(), "web")).toBe(false);
    await setTwoFactor({ enable2fa: true });
    const policy = await loadPolicy();
    expect(needsSecondFactor((await getUser(existing.id))!, policy, "web")).toBe(true);
    const a = (await getUser(admin.id))!;
    expect(needsSecondFactor(a, policy, "manager")).toBe(true);
    expect(managerStepUpNeeded(a, policy, null)).toBe(true);
    // The account's own switch cannot turn it off while the policy asks everyone.
    await db.update(users).set({ twoFactorWeb: true }).where(eq(users.id, existing.id));
    const err = await rejection(setTwoFactorFor((await getUser(existing.id))!, "web", false, existing.id));
    expect(err.code).toBe(ErrorCodes.NOT_ALLOWED);
    expect(err.message).toMatch(/requires a second step for every account/);
  });

  it("new accounts start with the second step on for both apps and SMS as the default method (seed 003)", async () => {
    const before = await getSettings("twoFactor");
    expect(before).toMatchObject({ defaultWeb: true, defaultManager: true, defaultMethod: "sms" });
    const user = await createUser();
    expect((await getUser(user.id))!).toMatchObject({ twoFactorWeb: true, twoFactorManager: true });
    await setTwoFactor({ defaultWeb: false, defaultManager: false });
    const later = await createUser();
    expect((await getUser(later.id))!).toMatchObject({ twoFactorWeb: false, twoFactorManager: false });
  });

  it("Manager-app-only 2FA: no second step for the Web app, a step-up for /admin", async () => {
    await setTwoFactor({ enable2fa: true, requireFor: "individual" });
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
});

describe("managing one's own methods", () => {
  it("the first enrolment becomes primary, turns the second step on and returns 10 recovery codes once; the second becomes backup", async () => {
    const user = await createUser();
    await db.update(users).set({ twoFactorWeb: false }).where(eq(users.id, user.id));
    const first = await afterEnrolment(user.id, "email");
    expect(first.codes).toHaveLength(10);
    expect(first.turnedOn).toBe(true);
    expect((await getUser(user.id))!.twoFactorWeb).toBe(true);
    const second = await afterEnrolment(user.id, "totp");
    expect(second).toEqual({ codes: null, turnedOn: false });
    const u = (await getUser(user.id))!;
    expect(u.primaryMethod).toBe("email");
    expect(u.backupMethod).toBe("totp");
    // Switched on by the user, named as the actor.
    const on = await db.select().from(auditLog).where(eq(auditLog.userId, user.id));
    expect(on.find((e) => e.action === "two_factor.enabled")).toMatchObject({ actorId: user.id, detail: { app: "web", method: "email" } });
  });

  it("a later method does not turn back on a second step the user turned off", async () => {
    const user = await createUser();
    await afterEnrolment(user.id, "email");
    await db.update(users).set({ twoFactorWeb: false }).where(eq(users.id, user.id));
    expect((await afterEnrolment(user.id, "totp")).turnedOn).toBe(false);
    expect((await getUser(user.id))!.twoFactorWeb).toBe(false);
  });

  it("refuses to remove the last method while 2FA is required, and to turn 2FA on with no method", async () => {
    await setTwoFactor({ enable2fa: true, requireFor: "individual" });
    const user = await createUser();
    await db.update(users).set({ twoFactorWeb: false }).where(eq(users.id, user.id));
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

describe("a phone confirmed on the security tab is the SMS method (seed 004)", () => {
  const smsCode = async (to: string) => {
    // The code goes out after the answer (lib/background.ts).
    await deliveriesSettled();
    const { listOutbox } = await import("@/lib/delivery/outbox");
    const [sms] = (await listOutbox(to)).filter((m) => m.channel === "sms");
    return /(\d{6})/.exec(sms!.body)![1]!;
  };

  it("turns the second step on, makes it the main method and gives 10 recovery codes", async () => {
    await setTwoFactor({ enable2fa: true, requireFor: "individual", allowedMethods: ["sms", "email", "totp", "webauthn"], deliveryPolicy: "sms_then_email" });
    const user = await createUser();
    await db.update(users).set({ twoFactorWeb: false }).where(eq(users.id, user.id));
    const phone = "+14155550142";
    await startPhoneConfirmation(user.id, phone, null);
    const { enrolment } = await finishPhoneConfirmation(user.id, phone, await smsCode(phone), { asMethod: true });
    expect(enrolment?.turnedOn).toBe(true);
    expect(enrolment?.codes).toHaveLength(10);
    expect((await getUser(user.id))!).toMatchObject({ twoFactorWeb: true, primaryMethod: "sms", phone });
    expect(await remainingRecoveryCodes(user.id)).toBe(10);
  });

  it("at /confirm (account confirmation) it only confirms the phone", async () => {
    await setTwoFactor({ enable2fa: true, requireFor: "individual" });
    const user = await createUser();
    await db.update(users).set({ twoFactorWeb: false }).where(eq(users.id, user.id));
    const phone = "+14155550143";
    await startPhoneConfirmation(user.id, phone, null);
    const { enrolment } = await finishPhoneConfirmation(user.id, phone, await smsCode(phone));
    expect(enrolment).toBeNull();
    expect((await getUser(user.id))!).toMatchObject({ twoFactorWeb: false, primaryMethod: null, phone });
  });
});
