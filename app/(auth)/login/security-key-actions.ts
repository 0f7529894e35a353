"use server";
// Passwordless sign-in with a discoverable security key (T7, T10).
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { unstable_rethrow } from "next/navigation";
import { getUser } from "@/lib/accounts/queries";
import { audit } from "@/lib/audit";
import { blockedMessage, isBlocked } from "@/lib/blocking";
import { afterFirstFactor } from "@/lib/auth/sign-in";
import { UserError } from "@/lib/shared/errors";
import { hit } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";
import { clientIp } from "@/lib/request";
import { safeNext } from "@/lib/shared/safe-next";
import { authenticationOptions, finishAuthentication } from "@/lib/factors/webauthn";

export async function securityKeyOptionsAction() {
  const ip = await clientIp();
  // Each call stores a challenge: bound per client (when known) and overall.
  const limits = await Promise.all([
    ip ? hit(LIMITS.securityKeyOptionsPerIp(ip)) : null,
    hit(LIMITS.securityKeyOptions()),
  ]);
  if (limits.some((l) => l && !l.success)) return { ok: false as const, message: "Too many attempts. Wait a minute and try again." };
  return { ok: true as const, options: await authenticationOptions(null) };
}

export async function securityKeySignInAction(response: AuthenticationResponseJSON, next: string | undefined) {
  try {
    const result = await finishAuthentication(response, { userId: null, requireUserVerification: false });
    const user = await getUser(result.userId);
    if (!user) return { ok: false as const, message: "This security key is not registered to an account. Use another method." };
    if (isBlocked(user)) return { ok: false as const, message: blockedMessage(user) };
    await afterFirstFactor(user, "webauthn", safeNext(next), { userVerified: result.userVerified });
    return { ok: true as const };
  } catch (err) {
    unstable_rethrow(err);
    await audit({ action: "signin.failed", ip: await clientIp(), detail: { method: "webauthn" } });
    if (err instanceof UserError) return { ok: false as const, message: err.message };
    console.error("security key sign-in failed", err);
    return { ok: false as const, message: "The security key could not be verified. Try again or use another method." };
  }
}
