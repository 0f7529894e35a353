import "server-only";
// The session cookie: the session's random token itself (256 bits, base64url). The database keeps
// only its HMAC (keyed with AUTH_SECRET) as the session's id, so checking a cookie is one HMAC and
// one lookup of the row, which is also where a session is ended (see docs/architecture.md).
import { cookies } from "next/headers";
import { env } from "../env";

export const secureCookies = () => env().baseUrl.startsWith("https://");
// `__Host-` (Secure, path /, no domain) where the site runs on HTTPS, as B2 asks.
export const sessionCookieName = () => (secureCookies() ? "__Host-latchkey.session" : "latchkey.session");

// randomToken(32): 43 base64url characters.
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The token a session cookie carries, or null for anything that cannot be one (an older cookie, a forged value). */
export function sessionTokenFromCookie(raw: string | undefined): string | null {
  return raw && TOKEN.test(raw) ? raw : null;
}

const attributes = () => ({ httpOnly: true, sameSite: "lax" as const, path: "/", secure: secureCookies() });

/** Hands a new session to the browser, for as long as the session can live. */
export async function setSessionCookie(token: string, expiresAt: Date) {
  (await cookies()).set(sessionCookieName(), token, { ...attributes(), expires: expiresAt });
}

/** Removes the session cookie (with the attributes it was set with, which a `__Host-` cookie needs). */
export async function clearSessionCookie() {
  (await cookies()).set(sessionCookieName(), "", { ...attributes(), maxAge: 0 });
}
