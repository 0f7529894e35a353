import "server-only";
// Who must pass a second step (T1, T6): the two-factor policy in force, the surfaces it covers and new accounts' switches.
import { type User } from "@/db/schema";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { getSettings, type TwoFactorMethod, type TwoFactorSettings } from "@/lib/settings";

export type Surface = "web" | "manager";
export type Policy = TwoFactorSettings & { enabled: boolean };

export const surfaceOf = (next: string): Surface => (next === "/admin" || next.startsWith("/admin/") ? "manager" : "web");

export async function loadPolicy(): Promise<Policy> {
  const twoFactor = await getSettings("twoFactor");
  return { ...twoFactor, enabled: twoFactor.enable2fa };
}

const METHOD_NAMES: Record<TwoFactorMethod, string> = { sms: "text messages", email: "email codes", totp: "authenticator apps", webauthn: "security keys" };

/** Refuses to set up a method the admin does not allow (T7). */
export async function assertMethodAllowed(method: TwoFactorMethod) {
  const policy = await loadPolicy();
  if (!policy.allowedMethods.includes(method)) throw new UserError(ErrorCodes.NOT_ALLOWED, `Your administrator does not allow ${METHOD_NAMES[method]}.`);
}

/** T6: the per-app 2FA switches a new account starts with. */
export async function newAccountTwoFactorDefaults() {
  const t = await getSettings("twoFactor");
  return { twoFactorWeb: t.defaultWeb, twoFactorManager: t.defaultManager };
}

export type PolicySubject = Pick<User, "twoFactorWeb" | "twoFactorManager" | "isAdmin">;

/** Whether the policy itself (not the account's own switch) makes every account pass a second step. */
export const requiredForEveryone = (policy: Pick<Policy, "enabled" | "requireFor">) => policy.enabled && policy.requireFor === "everyone";

/** Whether this account must pass a second step to enter the Web app. */
export function webSecondStepRequired(user: PolicySubject, policy: Policy) {
  return policy.enabled && (policy.requireFor === "everyone" || user.twoFactorWeb);
}

/** Whether this admin must pass a second step to enter the Manager app. */
export function managerSecondStepRequired(user: PolicySubject, policy: Policy) {
  return policy.enabled && user.isAdmin && (policy.requireFor === "everyone" || user.twoFactorManager);
}

/** Whether signing in to `surface` asks this user for a second factor. Signing in always enters the Web app. */
export function needsSecondFactor(user: PolicySubject, policy: Policy, surface: Surface) {
  return webSecondStepRequired(user, policy) || (surface === "manager" && managerSecondStepRequired(user, policy));
}

/** Whether the Manager app asks this admin for a second factor that the session has not given yet. */
export function managerStepUpNeeded(user: PolicySubject, policy: Policy, secondFactorAt: Date | null) {
  return managerSecondStepRequired(user, policy) && !secondFactorAt;
}
