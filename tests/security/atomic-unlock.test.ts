// Consume-then-write is one transaction (B-baseline, O5): what a code, a recovery code or an
// authenticator step unlocks is written in the transaction that consumes it. Each case makes that
// write fail after the consume — a database trigger raises on it, on PGlite and on Postgres alike —
// and proves that the code was not used up: the same code works once the fault is gone, and nothing
// half-done is left (no method without its recovery codes, no session without its challenge). A
// phone code that signs in writes the session, or the pending second step, the same way.
import { eq, sql } from "drizzle-orm";
import { generate } from "otplib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { codes, sessions, signInChallenges, users } from "@/db/schema";
import { createAccountByAdmin } from "@/lib/accounts/admin";
import { getUser } from "@/lib/accounts/queries";
import { deliveriesSettled } from "@/lib/delivery/deferred";
import { newSession, writeSession } from "@/lib/auth/sessions";
import { sessionCookieName } from "@/lib/auth/cookie";
import { finishEmailChange, startEmailChange } from "@/lib/accounts/email-change";
import { listOutbox } from "@/lib/delivery/outbox";
import { finishPhoneConfirmation, startPhoneConfirmation } from "@/lib/phone/confirm";
import { phoneLoginFlow, startPhoneLogin } from "@/lib/phone/login";
import { registrationFlows, startPhoneRegistration } from "@/lib/phone/register";
import { verifyLoginCode } from "@/app/(auth)/login/phone/actions";
import { verifyRegistrationCode } from "@/app/(auth)/register/phone/actions";
import { ErrorCodes } from "@/lib/shared/errors";
import { resetPasswordWithCode, resetPasswordWithLink, startRecovery } from "@/lib/accounts/recovery";
import { generateRecoveryCodes, remainingRecoveryCodes } from "@/lib/factors/recovery-codes";
import { getSettings, updateSettings, type TwoFactorSettings } from "@/lib/settings";
import { beginTotpEnrolment } from "@/lib/factors/totp";
import { checkSecondFactor, sendSecondFactorCode } from "@/lib/factors/verify";
import { completeChallenge, createChallenge, currentChallenge } from "@/lib/factors/challenge";
import { confirmEmailMethod, confirmTotpMethod, startEmailMethod } from "@/lib/factors/enrol";
import { verifyPassword } from "@/lib/passwords";
import { rememberDevice } from "@/lib/factors/trusted-devices";
import { PASSWORD, createUser, smsClient, uniqueEmail } from "../support/fixtures";
import { jar } from "../support/cookie-jar";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

const FAULT = "latchkey_test_fault";

/** From now on, `event` on `table` fails inside the database (until `heal`). */
async function breakWrites(table: string, event: string) {
  await db.execute(
    sql.raw(`create or replace function ${FAULT}() returns trigger language plpgsql as $$ begin raise exception 'injected write failure'; end $$`),
  );
  await db.execute(sql.raw(`drop trigger if exists ${FAULT} on "${table}"`));
  await db.execute(sql.raw(`create trigger ${FAULT} before ${event} on "${table}" for each row execute function ${FAULT}()`));
  return async () => {
    await db.execute(sql.raw(`drop trigger if exists ${FAULT} on "${table}"`));
  };
}

let heal: (() => Promise<void>) | null = null;
afterEach(async () => {
  await heal?.();
  heal = null;
  await deliveriesSettled();
});
beforeEach(() => jar.clear());

const codeIn = async (to: string, subject?: RegExp) => {
  await deliveriesSettled();
  const msgs = (await listOutbox(to)).filter((m) => !subject || subject.test(m.subject ?? ""));
  const m = msgs[0];
  if (!m) throw new Error(`no message to ${to}`);
  return /\b(\d{6})\b/.exec(`${m.subject ?? ""} ${m.body}`)![1]!;
};
const linkIn = async (to: string) => {
  await deliveriesSettled();
  const m = (await listOutbox(to)).find((x) => /Reset your Latchkey password/.test(x.subject ?? ""))!;
  return /token=([A-Za-z0-9_-]+)/.exec(m.body)![1]!;
};
const unconsumed = async (target: string) => (await db.select().from(codes).where(eq(codes.target, target))).filter((c) => !c.consumedAt).length;

describe("password recovery", () => {
  it("by code: a failed password write leaves the code usable", async () => {
    const user = await createUser();
    await startRecovery({ kind: "email", target: user.email! }, null, smsClient());
    const code = await codeIn(user.email!, /Reset your Latchkey password/);
    heal = await breakWrites("users", "update of password_hash");
    await expect(resetPasswordWithCode({ kind: "email", target: user.email! }, code, "Brand new quiet passphrase", null)).rejects.toThrow();
    expect(await unconsumed(user.email!)).toBe(1);
    await heal();
    await resetPasswordWithCode({ kind: "email", target: user.email! }, code, "Brand new quiet passphrase", null);
    expect(await verifyPassword((await getUser(user.id))!.passwordHash, "Brand new quiet passphrase")).toBe(true);
  });

  it("by link: the same, and the sessions the reset ends stay alive until it really happens", async () => {
    const user = await createUser();
    const s = await newSession(user.id, {});
    await writeSession(s);
    // A trusted device for the reset to forget: forgetting it is the write that fails.
    await rememberDevice(user.id, "Chrome on Linux");
    await startRecovery({ kind: "email", target: user.email! }, null, smsClient());
    const token = await linkIn(user.email!);
    heal = await breakWrites("trusted_devices", "update");
    await expect(resetPasswordWithLink(token, "Another quiet passphrase", null)).rejects.toThrow();
    const [row] = await db.select().from(sessions).where(eq(sessions.id, s.values.id));
    expect(row!.revokedAt).toBeNull();
    await heal();
    await resetPasswordWithLink(token, "Another quiet passphrase", null);
    const [after] = await db.select().from(sessions).where(eq(sessions.id, s.values.id));
    expect(after!.revokedAt).not.toBeNull();
  });
});

describe("phone confirmation", () => {
  it("a failed write of the phone, or of the SMS method's recovery codes, leaves the code usable and nothing half-set", async () => {
    const tf = await getSettings("twoFactor");
    await updateSettings("twoFactor", { ...tf, enable2fa: true, requireFor: "individual", allowedMethods: ["sms", "email", "totp", "webauthn"] }, null);
    const user = await createUser();
    const phone = "+14155550161";
    await startPhoneConfirmation(user.id, phone, null);
    const code = await codeIn(phone);
    heal = await breakWrites("recovery_codes", "insert");
    await expect(finishPhoneConfirmation(user.id, phone, code, { asMethod: true })).rejects.toThrow();
    expect((await getUser(user.id))!).toMatchObject({ phoneVerifiedAt: null, primaryMethod: null });
    expect(await unconsumed(phone)).toBe(1);
    await heal();
    const { enrolment } = await finishPhoneConfirmation(user.id, phone, code, { asMethod: true });
    expect(enrolment?.codes).toHaveLength(10);
    expect((await getUser(user.id))!).toMatchObject({ phone, primaryMethod: "sms" });
  });
});

describe("setting up a two-step method", () => {
  it("email codes: no method without its recovery codes; the code stays usable", async () => {
    const user = await createUser();
    await startEmailMethod(user);
    const code = await codeIn(user.email!, /Confirm your email for security codes/);
    heal = await breakWrites("recovery_codes", "insert");
    await expect(confirmEmailMethod(user, code)).rejects.toThrow();
    expect((await getUser(user.id))!.twoFactorEmailConfirmedAt).toBeNull();
    expect(await remainingRecoveryCodes(user.id)).toBe(0);
    await heal();
    expect((await confirmEmailMethod(user, code)).codes).toHaveLength(10);
  });

  it("authenticator app: the same step works again once the fault is gone", async () => {
    const user = await createUser();
    const { secret } = await beginTotpEnrolment(user.id, user.email!);
    const code = await generate({ secret });
    heal = await breakWrites("recovery_codes", "insert");
    await expect(confirmTotpMethod(user, code)).rejects.toThrow();
    const mid = (await getUser(user.id))!;
    expect(mid.totpSecret).toBeNull();
    expect(mid.totpPendingSecret).not.toBeNull();
    await heal();
    expect((await confirmTotpMethod(user, code)).codes).toHaveLength(10);
    expect((await getUser(user.id))!.primaryMethod).toBe("totp");
  });
});

describe("email change", () => {
  it("a failed write of the new address leaves the code usable", async () => {
    const user = await createUser();
    const next = uniqueEmail("moved");
    await startEmailChange(user, next);
    const code = await codeIn(next);
    heal = await breakWrites("users", "update of email");
    await expect(finishEmailChange(user, next, code)).rejects.toThrow();
    expect((await getUser(user.id))!.email).toBe(user.email);
    await heal();
    await finishEmailChange(user, next, code);
    expect((await getUser(user.id))!.email).toBe(next);
  });
});

describe("the second step of a sign-in", () => {
  /** A sign-in waiting at the verify step, and the session it would open (written inside the factor's transaction). */
  async function pending(userId: string) {
    jar.clear();
    await createChallenge({ userId, firstFactor: "password", surface: "web", next: "/dashboard" });
    const ctx = (await currentChallenge())!;
    const opening = await newSession(userId, { secondFactor: true });
    const unlock = async (q: typeof db) => {
      await writeSession(opening, q);
      if (!(await completeChallenge(ctx.challenge.id, q))) throw new Error("challenge already completed");
    };
    return { ctx: { ...ctx, ip: null }, opening, unlock };
  }
  const sessionExists = async (id: string) => (await db.select().from(sessions).where(eq(sessions.id, id))).length === 1;

  it("an emailed code: a failed session write leaves the code and the sign-in as they were", async () => {
    const user = await createUser();
    await db.update(users).set({ twoFactorEmailConfirmedAt: new Date() }).where(eq(users.id, user.id));
    const tf = await getSettings("twoFactor");
    await updateSettings("twoFactor", { ...tf, enable2fa: true, allowedMethods: ["sms", "email", "totp", "webauthn"] }, null);
    const fresh = (await getUser(user.id))!;
    await sendSecondFactorCode(fresh, "email", null);
    const code = await codeIn(user.email!, /security code/i);
    const first = await pending(user.id);
    heal = await breakWrites("sessions", "insert");
    await expect(checkSecondFactor(first.ctx, "email", { code }, first.unlock)).rejects.toThrow();
    expect(await sessionExists(first.opening.values.id)).toBe(false);
    expect(await unconsumed(user.email!)).toBe(1);
    await heal();
    await checkSecondFactor(first.ctx, "email", { code }, first.unlock);
    expect(await sessionExists(first.opening.values.id)).toBe(true);
  });

  it("a recovery code and an authenticator step: the same", async () => {
    const user = await createUser();
    const [recovery] = await generateRecoveryCodes(user.id);
    const { secret } = await beginTotpEnrolment(user.id, user.email!);
    await confirmTotpMethod(user, await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 30 }));
    for (const [method, code] of [
      ["recovery", recovery!],
      ["totp", await generate({ secret })],
    ] as const) {
      const p = await pending(user.id);
      heal = await breakWrites("sessions", "insert");
      await expect(checkSecondFactor(p.ctx, method, { code }, p.unlock)).rejects.toThrow();
      await heal();
      heal = null;
      await checkSecondFactor(p.ctx, method, { code }, p.unlock);
      expect(await sessionExists(p.opening.values.id), method).toBe(true);
    }
    expect(await remainingRecoveryCodes(user.id)).toBe(9);
  });

  it("two parallel submissions of one code: one session, and the loser uses nothing up", async () => {
    const user = await createUser();
    const [recovery, other] = await generateRecoveryCodes(user.id);
    const p = await pending(user.id);
    const second = await newSession(user.id, { secondFactor: true });
    const results = await Promise.allSettled([
      checkSecondFactor(p.ctx, "recovery", { code: recovery! }, p.unlock),
      checkSecondFactor(p.ctx, "recovery", { code: other! }, async (q) => {
        await writeSession(second, q);
        if (!(await completeChallenge(p.ctx.challenge.id, q))) throw new Error("challenge already completed");
      }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    // Exactly one of the two recovery codes was spent: the one that opened the session.
    expect(await remainingRecoveryCodes(user.id)).toBe(9);
    expect([await sessionExists(p.opening.values.id), await sessionExists(second.values.id)].filter(Boolean)).toHaveLength(1);
  });
});

describe("signing in with a phone code", () => {
  const setTwoFactor = async (patch: Partial<TwoFactorSettings>) => updateSettings("twoFactor", { ...(await getSettings("twoFactor")), ...patch }, null);
  const phoneAccount = (phone: string) =>
    createAccountByAdmin({ name: "Pat Phone", email: uniqueEmail(), password: PASSWORD, emailConfirmed: true, phone, actorId: null });
  const sessionsOf = (userId: string) => db.select().from(sessions).where(eq(sessions.userId, userId));
  const challengesOf = (userId: string) => db.select().from(signInChallenges).where(eq(signInChallenges.userId, userId));

  /** Submits a code form as its page does: the action's answer, or where its redirect led. */
  async function submit(action: (prev: unknown, form: FormData) => Promise<unknown>, code: string) {
    const form = new FormData();
    form.set("code", code);
    try {
      return await action(null, form);
    } catch (err) {
      const digest = (err as { digest?: string }).digest ?? "";
      if (digest.startsWith("NEXT_REDIRECT")) return { redirect: digest.split(";")[2] };
      throw err;
    }
  }
  const failedOnOurSide = { ok: false, code: ErrorCodes.UNAVAILABLE };
  // A failure on our side is logged by the action; the injected ones need not show.
  beforeEach(() => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    return () => quiet.mockRestore();
  });

  it("/login/phone: a failed session write leaves the code and the sign-in usable; the same code then signs in", async () => {
    await setTwoFactor({ enable2fa: false });
    const phone = "+14155550171";
    const user = await phoneAccount(phone);
    await startPhoneLogin(phone, null, smsClient());
    const code = await codeIn(phone);
    await phoneLoginFlow.set({ phone, next: "/dashboard" });
    heal = await breakWrites("sessions", "insert");
    expect(await submit(verifyLoginCode, code)).toMatchObject(failedOnOurSide);
    expect(await sessionsOf(user.id)).toHaveLength(0);
    expect(jar.has(sessionCookieName())).toBe(false);
    expect(await unconsumed(phone)).toBe(1);
    await heal();
    expect(await submit(verifyLoginCode, code)).toEqual({ redirect: "/dashboard" });
    expect(await sessionsOf(user.id)).toHaveLength(1);
    expect(jar.has(sessionCookieName())).toBe(true);
    expect(await unconsumed(phone)).toBe(0);
  });

  it("/login/phone: a failed write of the second step leaves the code usable; the same code then leads to it", async () => {
    await setTwoFactor({ enable2fa: true, requireFor: "everyone", allowedMethods: ["sms", "email", "totp", "webauthn"] });
    const phone = "+14155550172";
    const user = await phoneAccount(phone);
    // Email codes are this account's main method: the phone code is its first factor only.
    await db.update(users).set({ twoFactorEmailConfirmedAt: new Date(), primaryMethod: "email" }).where(eq(users.id, user.id));
    await startPhoneLogin(phone, null, smsClient());
    const code = await codeIn(phone);
    await phoneLoginFlow.set({ phone, next: "/dashboard" });
    heal = await breakWrites("sign_in_challenges", "insert");
    expect(await submit(verifyLoginCode, code)).toMatchObject(failedOnOurSide);
    expect(await challengesOf(user.id)).toHaveLength(0);
    expect(await currentChallenge()).toBeNull();
    expect(await unconsumed(phone)).toBe(1);
    await heal();
    expect(await submit(verifyLoginCode, code)).toEqual({ redirect: "/login/verify" });
    expect((await currentChallenge())?.user.id).toBe(user.id);
    expect(await sessionsOf(user.id)).toHaveLength(0);
    await setTwoFactor({ enable2fa: false });
  });

  it("/register/phone with a number that has an account: a failed session write leaves the code usable", async () => {
    await setTwoFactor({ enable2fa: false });
    const phone = "+14155550173";
    const user = await phoneAccount(phone);
    await startPhoneRegistration(phone, null, smsClient());
    const code = await codeIn(phone);
    await registrationFlows.sent.set({ phone });
    heal = await breakWrites("sessions", "insert");
    expect(await submit(verifyRegistrationCode, code)).toMatchObject(failedOnOurSide);
    expect(await sessionsOf(user.id)).toHaveLength(0);
    expect(await unconsumed(phone)).toBe(1);
    await heal();
    expect(await submit(verifyRegistrationCode, code)).toEqual({ redirect: "/dashboard" });
    expect(await sessionsOf(user.id)).toHaveLength(1);
  });

  it("/register/phone with a new number: the code leads to the details step, and only the code is written", async () => {
    const phone = "+14155550174";
    await startPhoneRegistration(phone, null, smsClient());
    const code = await codeIn(phone);
    await registrationFlows.sent.set({ phone });
    expect(await submit(verifyRegistrationCode, code)).toEqual({ redirect: "/register/phone?step=details" });
    expect(await registrationFlows.verified.read()).toEqual({ phone });
    expect(await unconsumed(phone)).toBe(0);
  });
});
