import "server-only";
// Setting up a first method right after the first factor (T11), while the account has none.
import { type User } from "@/db/schema";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hit, retryAfterText } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";
import { type TwoFactorMethod } from "@/lib/settings";
import { beginTotpEnrolment, confirmTotpEnrolment } from "@/lib/factors/totp";
import { finishRegistration, registrationOptions } from "@/lib/factors/webauthn";
import { afterEnrolment } from "@/lib/factors/enrol";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { loadPolicy } from "@/lib/factors/policy";
import { methodsFor, notOffered } from "@/lib/factors/methods";
import { type FactorOutcome } from "@/lib/factors/verify";

async function assertEnrolling(user: User, method: TwoFactorMethod) {
  if (!(await methodsFor(user, await loadPolicy())).enrol.includes(method)) throw notOffered();
}

/** The authenticator app's secret and QR code, only while the account has no method yet. */
export async function beginTotpAtSignIn(user: User) {
  await assertEnrolling(user, "totp");
  return beginTotpEnrolment(user.id, user.email ?? user.phone ?? user.name);
}

/** The app set up during sign-in: the secret, the method and its recovery codes in one transaction. */
export async function confirmTotpAtSignIn(user: User, code: string): Promise<FactorOutcome> {
  await assertEnrolling(user, "totp");
  const budget = await hit(LIMITS.secondFactorTries(user.id));
  if (!budget.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many attempts. Try again in ${retryAfterText(budget.resetAt)}.`, "code");
  const outcome: FactorOutcome = { enrolled: "totp", codes: null };
  await confirmTotpEnrolment(user.id, code, async (q) => {
    outcome.codes = (await afterEnrolment(user.id, "totp", q)).codes;
  });
  return outcome;
}

export async function keyOptionsAtSignIn(user: User) {
  await assertEnrolling(user, "webauthn");
  return registrationOptions(user);
}

/** A key registered during sign-in: the key, the method and its recovery codes in one transaction. */
export async function finishKeyAtSignIn(user: User, response: RegistrationResponseJSON, name: string): Promise<FactorOutcome> {
  await assertEnrolling(user, "webauthn");
  const outcome: FactorOutcome = { enrolled: "webauthn", codes: null };
  await finishRegistration(user.id, response, name, async (q) => {
    outcome.codes = (await afterEnrolment(user.id, "webauthn", q)).codes;
  });
  return outcome;
}
