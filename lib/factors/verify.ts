import "server-only";
// Sending and checking the second factor of a sign-in (T2, T3, T11): consumed in one transaction with what it unlocks.
import { eq } from "drizzle-orm";
import { type Db as Tx } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { audit } from "@/lib/audit";
import { consumeCode } from "@/lib/codes";
import { twoFactorCodeTemplate } from "@/lib/delivery/email/templates";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hit, peek, retryAfterText } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";
import { redeemRecoveryCode } from "@/lib/factors/recovery-codes";
import { type TwoFactorMethod } from "@/lib/settings";
import { verifyTotp } from "@/lib/factors/totp";
import { sendCode } from "@/lib/codes/send";
import { claimPhone } from "@/lib/phone/confirm";
import { finishAuthentication } from "@/lib/factors/webauthn";
import { afterEnrolment } from "@/lib/factors/enrol";
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { loadPolicy } from "@/lib/factors/policy";
import { type SecondFactor, mayUse, methodsFor, notOffered } from "@/lib/factors/methods";
import { type Challenge, recordFailure } from "@/lib/factors/challenge";

/** Sends a code for the second factor by SMS (to the account's phone, or to `newPhone` being added) or by email. */
export async function sendSecondFactorCode(user: User, channel: "sms" | "email", ip: string | null, newPhone?: string) {
  if (!mayUse(await methodsFor(user, await loadPolicy()), channel)) throw notOffered();
  if (channel === "email") {
    if (!user.email) throw new UserError(ErrorCodes.NOT_ALLOWED, "This account has no email address.");
    await sendCode({ purpose: "two_factor", channel: "email", target: user.email }, { userId: user.id, template: (code) => twoFactorCodeTemplate({ code }) });
    return;
  }
  if (!user.canReceiveSms) throw new UserError(ErrorCodes.NOT_ALLOWED, "Text messages are turned off for this account. Use another method.");
  if (user.phone && user.phoneVerifiedAt) {
    await sendCode({ purpose: "two_factor", channel: "sms", target: user.phone }, { userId: user.id, ip });
    return;
  }
  // Setting up SMS with a new number: answered alike whether or not it belongs to another account.
  if (!newPhone) throw new UserError(ErrorCodes.INVALID_INPUT, "Enter your phone number.", "phone");
  await claimPhone(user, newPhone, "two_factor", ip);
}

/** What a passed second factor brought: the method it set up (T11), and that method's recovery codes. */
export type FactorOutcome = { enrolled: TwoFactorMethod | null; codes: string[] | null };

/**
 * Runs inside the transaction that consumes the second factor: what it unlocks (the session, the
 * challenge completed, a remembered device), so that a failure there leaves the factor unused.
 */
export type Unlock = (q: Tx, outcome: FactorOutcome) => Promise<void>;

/** Raised inside `Unlock` when the sign-in was already finished (a parallel submission won). */
export class SignInAlreadyFinished extends Error {
  constructor() {
    super("sign-in already finished");
    this.name = "SignInAlreadyFinished";
  }
}

/** Counts a failed second factor against the sign-in (T5) and the account's limit. */
async function countFailure(ctx: { challenge: Challenge; user: User; ip: string | null }, method: SecondFactor) {
  await recordFailure(ctx.challenge, ctx.user, method, ctx.ip);
  const r = await hit(LIMITS.secondFactorFailures(ctx.user.id));
  if (!r.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many failed attempts. Try again in ${retryAfterText(r.resetAt)}.`, "code");
}

/** The account's limits on second factors, before anything is checked. */
async function assertSecondFactorBudget(user: User) {
  const blocked = await peek(LIMITS.secondFactorFailures(user.id));
  if (!blocked.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many failed attempts. Try again in ${retryAfterText(blocked.resetAt)}.`, "code");
  const budget = await hit(LIMITS.secondFactorTries(user.id));
  if (!budget.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many attempts. Try again in ${retryAfterText(budget.resetAt)}.`, "code");
}

/**
 * Checks a typed second factor (a code by SMS or email, the authenticator app, a recovery code).
 * Every failure counts against the sign-in (T5) and the account's limit. A code sent to a newly
 * entered phone confirms that phone, a code sent to an address not yet set up confirms it for email
 * codes, and the first SMS code of an account with no method yet (its phone confirmed elsewhere)
 * sets SMS up (T3, T11): the outcome names the method so set up, with its recovery codes. The
 * factor is consumed in one transaction with all of that and with `unlock`.
 */
export async function checkSecondFactor(
  ctx: { challenge: Challenge; user: User; ip: string | null },
  method: Exclude<SecondFactor, "webauthn">,
  input: { code: string; phone?: string },
  unlock: Unlock,
): Promise<FactorOutcome> {
  const { user } = ctx;
  const methods = await methodsFor(user, await loadPolicy());
  if (!mayUse(methods, method)) throw notOffered();
  await assertSecondFactorBudget(user);
  const outcome: FactorOutcome = { enrolled: null, codes: null };
  const finish = async (q: Tx) => {
    if (outcome.enrolled) outcome.codes = (await afterEnrolment(user.id, outcome.enrolled, q)).codes;
    await unlock(q, outcome);
  };
  try {
    if (method === "totp") await verifyTotp(user.id, input.code, finish);
    else if (method === "recovery") await redeemRecoveryCode(user.id, input.code, finish);
    else {
      const target = method === "email" ? user.email : user.phoneVerifiedAt ? user.phone : input.phone;
      if (!target) throw new UserError(ErrorCodes.INVALID_CODE, "Ask for a code first.", "code");
      await consumeCode({ purpose: "two_factor", target, code: input.code }, async (q, consumed) => {
        if (consumed.userId !== user.id) throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
        if (method === "sms" && !user.phoneVerifiedAt) {
          await q.update(users).set({ phone: target, phoneVerifiedAt: new Date() }).where(eq(users.id, user.id));
          await audit({ action: "phone.confirmed", userId: user.id, actorId: user.id, detail: { during: "two_factor" } }, q);
          outcome.enrolled = "sms";
        } else if (method === "sms" && !user.primaryMethod) {
          // A phone confirmed elsewhere (phone registration, /confirm, the Manager app) was never set
          // up as a method: its first SMS second step is that set-up, with its recovery codes.
          outcome.enrolled = "sms";
        }
        if (method === "email") {
          const now = new Date();
          const enrolling = methods.enrol.includes("email");
          if (enrolling || !user.emailVerifiedAt) {
            await q
              .update(users)
              .set({ emailVerifiedAt: user.emailVerifiedAt ?? now, ...(enrolling ? { twoFactorEmailConfirmedAt: now } : {}) })
              .where(eq(users.id, user.id));
          }
          if (enrolling) outcome.enrolled = "email";
        }
        await finish(q);
      });
    }
  } catch (err) {
    if (err instanceof UserError && err.code !== ErrorCodes.INVALID_INPUT) await countFailure(ctx, method);
    throw err;
  }
  return outcome;
}

/** Checks a security key as the second factor, consumed in one transaction with `unlock`. */
export async function checkSecurityKey(ctx: { challenge: Challenge; user: User; ip: string | null }, response: AuthenticationResponseJSON, unlock: Unlock) {
  await assertSecondFactorBudget(ctx.user);
  try {
    await finishAuthentication(response, { userId: ctx.user.id, requireUserVerification: false }, (q) => unlock(q, { enrolled: null, codes: null }));
  } catch (err) {
    if (!(err instanceof SignInAlreadyFinished)) await countFailure(ctx, "webauthn").catch((e) => (err = e));
    throw err;
  }
}
