import "server-only";
// What Latchkey tells an app about the person: the account behind `sub` (its stable id, never the
// email), the claims of each scope, and amr/acr from how the Latchkey session was opened.
import type { Account, FindAccount } from "oidc-provider";
import { getUser } from "@/lib/accounts/queries";
import { isBlocked } from "@/lib/blocking";
import { listProfiles } from "@/lib/profiles";
import { provesTwoFactors } from "@/lib/factors/methods";
import { ACR_1FA, ACR_2FA } from "./clients";

/** Claims released per scope (ID token and userinfo); `openid` carries how and when the person signed in. */
export const SCOPE_CLAIMS = {
  openid: ["sub", "acr", "amr", "auth_time"],
  profile: ["name", "profiles"],
  email: ["email", "email_verified"],
  phone: ["phone_number", "phone_number_verified"],
} as const;

/** An account an app may sign in: not blocked (by an admin or its blocking date), not deleted. */
export const findAccount: FindAccount = async (_ctx, sub): Promise<Account | undefined> => {
  const user = await getUser(sub);
  if (!user || isBlocked(user)) return undefined;
  return {
    accountId: user.id,
    async claims(_use, scope) {
      const scopes = new Set(String(scope ?? "").split(" "));
      const profiles = scopes.has("profile") ? await listProfiles(user.id) : [];
      return {
        sub: user.id,
        name: user.name,
        profiles: profiles.map((p) => ({ name: p.name, type: p.type })),
        email: user.email ?? undefined,
        email_verified: user.email ? Boolean(user.emailVerifiedAt) : undefined,
        phone_number: user.phone ?? undefined,
        phone_number_verified: user.phone ? Boolean(user.phoneVerifiedAt) : undefined,
      };
    },
  };
};

// RFC 8176 values for the parts of a session's method ("password", "sms_code+totp", "webauthn",
// "password+trusted_device", "email_confirmation+sms_enrolled", …).
const AMR: Record<string, string[]> = {
  password: ["pwd"],
  sms_code: ["sms", "otp"],
  sms: ["sms", "otp"],
  email_confirmation: ["otp"],
  email: ["otp"],
  totp: ["otp"],
  recovery: ["otp"],
  webauthn: ["hwk"],
  trusted_device: [],
  session: [],
};

/**
 * amr and acr of a Latchkey session: `mfa` and the two-step acr once it proved two different factors
 * (a phone code that passed Latchkey's second step is still one factor).
 */
export function amrAcrFor(method: string | null, secondFactorPassed: boolean): { amr: string[]; acr: string } {
  const amr = new Set<string>();
  for (const part of (method ?? "").split("+")) for (const v of AMR[part.replace(/_enrolled$/, "")] ?? []) amr.add(v);
  const twoFactors = provesTwoFactors(method, secondFactorPassed);
  if (twoFactors) amr.add("mfa");
  return { amr: [...amr], acr: twoFactors ? ACR_2FA : ACR_1FA };
}
