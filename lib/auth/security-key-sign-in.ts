import "server-only";
// Passwordless sign-in with a discoverable security key (T7, T10): the key names its account.
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { unstable_rethrow } from "next/navigation";
import { getUser } from "@/lib/accounts/queries";
import { audit } from "@/lib/audit";
import { afterFirstFactor } from "@/lib/auth/sign-in";
import { blockedMessage, isBlocked } from "@/lib/blocking";
import { authenticationOptions, finishAuthentication } from "@/lib/factors/webauthn";
import { LIMITS } from "@/lib/limits/catalogue";
import { hit } from "@/lib/limits/store";
import { ErrorCodes, UserError } from "@/lib/shared/errors";

/** Options for a ceremony with no account named yet. Each call stores a challenge: limited per client and overall. */
export async function passwordlessOptions(ip: string | null) {
  const limits = await Promise.all([ip ? hit(LIMITS.securityKeyOptionsPerIp(ip)) : null, hit(LIMITS.securityKeyOptions())]);
  if (limits.some((l) => l && !l.success)) throw new UserError(ErrorCodes.RATE_LIMITED, "Too many attempts. Wait a minute and try again.");
  return authenticationOptions(null);
}

/**
 * Checks the key's answer and goes on through the two-step policy. A failure is audited under the
 * account the key named once the key is verified (a blocked account, say), without one before.
 */
export async function signInWithSecurityKey(response: AuthenticationResponseJSON, next: string, ip: string | null): Promise<never> {
  let userId: string | null = null;
  try {
    const result = await finishAuthentication(response, { userId: null, requireUserVerification: false });
    const user = await getUser(result.userId);
    userId = user?.id ?? null;
    if (!user) throw new UserError(ErrorCodes.INVALID_CREDENTIALS, "This security key is not registered to an account. Use another method.");
    if (isBlocked(user)) throw new UserError(ErrorCodes.ACCOUNT_BLOCKED, blockedMessage(user));
    return await afterFirstFactor(user, "webauthn", next, { userVerified: result.userVerified });
  } catch (err) {
    unstable_rethrow(err);
    await audit({ action: "signin.failed", userId, ip, detail: { method: "webauthn" } });
    throw err;
  }
}
