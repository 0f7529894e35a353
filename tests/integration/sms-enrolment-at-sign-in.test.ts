// A phone confirmed outside the security tab (by the Manager app, at /confirm) is the SMS two-step
// method once it passes a second step: the first SMS code at sign-in sets it up as the security tab
// would (main method, second step on, 10 recovery codes shown before the session opens, T11, seed 004);
// an account that already has a method and its codes signs in as before.
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { auditLog, users } from "@/db/schema";
import { createAccountByAdmin } from "@/lib/accounts/admin";
import { getUser } from "@/lib/accounts/queries";
import { continueAfterEnrolment, enrolledRecoveryCodes, finishWithCode } from "@/lib/auth/sign-in";
import { sessionCookieName } from "@/lib/auth/cookie";
import { validateSession } from "@/lib/auth/sessions";
import { createChallenge, currentChallenge } from "@/lib/factors/challenge";
import { confirmTotpMethod } from "@/lib/factors/enrol";
import { remainingRecoveryCodes } from "@/lib/factors/recovery-codes";
import { beginTotpEnrolment } from "@/lib/factors/totp";
import { checkSecondFactor, sendSecondFactorCode } from "@/lib/factors/verify";
import { deliveriesSettled } from "@/lib/delivery/deferred";
import { listOutbox } from "@/lib/delivery/outbox";
import { finishPhoneConfirmation, startPhoneConfirmation } from "@/lib/phone/confirm";
import { getSettings, updateSettings } from "@/lib/settings";
import { PASSWORD, createUser, uniqueEmail } from "../support/fixtures";
import { jar } from "../support/cookie-jar";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

beforeEach(async () => {
  jar.clear();
  const current = await getSettings("twoFactor");
  await updateSettings(
    "twoFactor",
    { ...current, enable2fa: true, requireFor: "individual", allowedMethods: ["sms", "email", "totp", "webauthn"], deliveryPolicy: "sms_then_email" },
    null,
  );
});

let phoneCounter = 0;
/** A US number (the regional country) no other test in this file uses. */
const newPhone = () => `+1415555${String(2200 + phoneCounter++).padStart(4, "0")}`;

/** The newest SMS code sent to `to`. */
async function smsCode(to: string) {
  await deliveriesSettled();
  const [sms] = (await listOutbox(to)).filter((m) => m.channel === "sms");
  return /(\d{6})/.exec(sms!.body)![1]!;
}

/** A sign-in of `userId` waiting at the verify step, as the verify action sees it. */
async function pendingSignIn(userId: string) {
  jar.clear();
  await createChallenge({ userId, firstFactor: "password", surface: "web", next: "/dashboard" });
  return (await currentChallenge())!;
}

/** Where a sign-in step redirected to (sign-in steps end in a redirect). */
async function redirectOf(step: Promise<unknown>) {
  try {
    await step;
  } catch (err) {
    const digest = (err as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return digest.split(";")[2];
    throw err;
  }
  throw new Error("the step did not redirect");
}

const entries = (userId: string, action: string) =>
  db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.userId, userId), eq(auditLog.action, action)));

describe("the first SMS second step of a phone confirmed elsewhere", () => {
  it("a phone entered by an admin: the code sets SMS up, turns the second step on and gives 10 recovery codes", async () => {
    const phone = newPhone();
    const user = await createAccountByAdmin({ name: "Mo Manager-Made", email: uniqueEmail(), password: PASSWORD, emailConfirmed: true, phone, actorId: null });
    await db.update(users).set({ twoFactorManager: true, twoFactorWeb: true }).where(eq(users.id, user.id));
    expect(await remainingRecoveryCodes(user.id)).toBe(0);

    const ctx = await pendingSignIn(user.id);
    await sendSecondFactorCode(ctx.user, "sms", null);
    const outcome = await checkSecondFactor({ ...ctx, ip: null }, "sms", { code: await smsCode(phone) }, async () => {});
    expect(outcome.enrolled).toBe("sms");
    expect(outcome.codes).toHaveLength(10);
    expect((await getUser(user.id))!).toMatchObject({ primaryMethod: "sms", twoFactorWeb: true });
    expect(await remainingRecoveryCodes(user.id)).toBe(10);
    expect(await entries(user.id, "two_factor.method_added")).toMatchObject([{ actorId: user.id, detail: { method: "sms" } }]);
  });

  it("a phone confirmed at /confirm: the sign-in shows the recovery codes before it opens the session", async () => {
    const user = await createUser();
    const phone = newPhone();
    await startPhoneConfirmation(user.id, phone, null);
    await finishPhoneConfirmation(user.id, phone, await smsCode(phone));
    expect((await getUser(user.id))!).toMatchObject({ phone, primaryMethod: null });

    const ctx = await pendingSignIn(user.id);
    await sendSecondFactorCode(ctx.user, "sms", null);
    expect(await redirectOf(finishWithCode(ctx, "sms", { code: await smsCode(phone) }, false))).toBe("/login/verify");
    // No session yet: the codes wait, sealed, for "Continue".
    expect(jar.get(sessionCookieName())).toBeUndefined();
    const codes = await enrolledRecoveryCodes(ctx.challenge);
    expect(codes).toHaveLength(10);
    expect(await remainingRecoveryCodes(user.id)).toBe(10);
    expect((await getUser(user.id))!.primaryMethod).toBe("sms");

    expect(await redirectOf(continueAfterEnrolment(ctx.challenge))).toBe("/dashboard");
    const session = await validateSession(jar.get(sessionCookieName()));
    expect(session?.user.id).toBe(user.id);
    expect(session?.session.method).toBe("password+sms_enrolled");
  });
});

describe("an account that already has a method and its recovery codes", () => {
  it("SMS already set up on the security tab: the code opens the session, nothing else changes", async () => {
    const user = await createUser();
    const phone = newPhone();
    await startPhoneConfirmation(user.id, phone, null);
    await finishPhoneConfirmation(user.id, phone, await smsCode(phone), { asMethod: true });
    expect(await remainingRecoveryCodes(user.id)).toBe(10);

    const ctx = await pendingSignIn(user.id);
    await sendSecondFactorCode(ctx.user, "sms", null);
    expect(await redirectOf(finishWithCode(ctx, "sms", { code: await smsCode(phone) }, false))).toBe("/dashboard");
    expect(await enrolledRecoveryCodes(ctx.challenge)).toBeNull();
    expect((await validateSession(jar.get(sessionCookieName())))?.session.method).toBe("password+sms");
    expect(await remainingRecoveryCodes(user.id)).toBe(10);
    expect(await entries(user.id, "two_factor.method_added")).toHaveLength(1);
  });

  it("an authenticator app as the main method and a confirmed phone: the SMS code changes neither", async () => {
    const phone = newPhone();
    const user = await createAccountByAdmin({ name: "Tia Totp", email: uniqueEmail(), password: PASSWORD, emailConfirmed: true, phone, actorId: null });
    const { secret } = await beginTotpEnrolment(user.id, user.email!);
    const { generate } = await import("otplib");
    const enrolled = await confirmTotpMethod(user, await generate({ secret }));
    expect(enrolled.codes).toHaveLength(10);

    const ctx = await pendingSignIn(user.id);
    await sendSecondFactorCode(ctx.user, "sms", null);
    const outcome = await checkSecondFactor({ ...ctx, ip: null }, "sms", { code: await smsCode(phone) }, async () => {});
    expect(outcome).toEqual({ enrolled: null, codes: null });
    expect((await getUser(user.id))!).toMatchObject({ primaryMethod: "totp", backupMethod: null });
    expect(await remainingRecoveryCodes(user.id)).toBe(10);
    expect(await entries(user.id, "two_factor.method_added")).toHaveLength(1);
  });
});
