import "server-only";
// The POST routes of the interaction page: plain form posts answered with a 303, never a 500.
import { unstable_rethrow } from "next/navigation";
import { sessionCookieName, secureCookies } from "@/lib/auth/cookie";
import { env } from "@/lib/env";
import { continuePage, errorPage } from "./html";
import { errors } from "./provider";
import { InteractionRefused, interactionPath } from "./interaction";

/** Whether `location` leaves Latchkey's pages: another origin, or the authorization that then redirects to the app. */
export function leadsToApp(location: string): boolean {
  const base = new URL(env().baseUrl);
  const to = new URL(location, base);
  return to.origin !== base.origin || to.pathname.startsWith("/oidc/auth");
}

/** The answer to a form post leading to `location`: a 303 within Latchkey, the continue page where the way leads to an app. */
export function seeOther(location: string, headers: Record<string, string> = {}): Response {
  if (leadsToApp(location)) {
    return new Response(continuePage(location), {
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "same-origin", ...headers },
    });
  }
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store", ...headers } });
}

/** A Set-Cookie value that deletes the Latchkey session cookie. */
export const clearedSessionCookie = () => `${sessionCookieName()}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secureCookies() ? "; Secure" : ""}`;

/**
 * Runs one interaction POST. A step that does not apply any more (signed out meanwhile, already
 * finished, expired) sends the browser back to the interaction page, which shows where it stands.
 */
export async function interactionPost(uid: string, fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    unstable_rethrow(err);
    if (err instanceof InteractionRefused || err instanceof errors.SessionNotFound) return seeOther(interactionPath(uid));
    console.error("[oidc] interaction", err);
    return new Response(errorPage("temporarily_unavailable", "try again shortly"), {
      status: 503,
      headers: { "content-type": "text/html; charset=utf-8", "retry-after": "5", "cache-control": "no-store" },
    });
  }
}
