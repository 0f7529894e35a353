import "server-only";
// The sign-in flow: identify the account, check the first factor, open a new session.
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { findUserByConfirmedPhone, findUserByEmail, checkPassword } from "../accounts";
import { audit } from "../audit";
import { clientIp, userAgent } from "../request";
import { createSession, revokeSessionByToken } from "./sessions";
import { signIn, signOut } from "./next-auth";
import { currentSession } from "./current";
import { getSettings } from "../settings";

/** Finds the account for "Email or phone": an address, or a number in any common format. */
export async function findByIdentifier(identifier: string) {
  const id = identifier.trim();
  if (id.includes("@")) {
    const email = id.toLowerCase();
    return { key: `email:${email}`, user: await findUserByEmail(email) };
  }
  const { defaultCountry } = await getSettings("regional");
  const phone = parsePhoneNumberFromString(id, defaultCountry as CountryCode);
  if (!phone?.isValid()) return { key: `raw:${id.toLowerCase()}`, user: null };
  return { key: `phone:${phone.number}`, user: await findUserByConfirmedPhone(phone.number) };
}

/** Password sign-in: on success a new session replaces any existing one and the browser is redirected. */
export async function signInWithPassword(input: { identifier: string; password: string; next: string }) {
  const ip = await clientIp();
  const found = await findByIdentifier(input.identifier);
  const user = await checkPassword({ user: found.user, identifierKey: found.key, password: input.password, ip });
  await startSession(user.id, input.next, "password");
}

/** Opens a fresh session (never reusing the previous one: no fixation) and redirects. */
export async function startSession(userId: string, next: string, method: string): Promise<never> {
  const ip = await clientIp();
  const previous = await currentSession();
  if (previous) await revokeSessionByToken(previous.token);
  const sessionToken = await createSession(userId, { userAgent: await userAgent(), ip });
  await audit({ action: "signin.succeeded", userId, actorId: userId, ip, detail: { method } });
  await signIn("credentials", { sessionToken, redirectTo: next });
  throw new Error("unreachable: signIn redirects");
}

export async function signOutCurrent() {
  const c = await currentSession();
  if (c) {
    await revokeSessionByToken(c.token);
    await audit({ action: "signout", userId: c.user.id, actorId: c.user.id });
  }
  await signOut({ redirectTo: "/login" });
}
