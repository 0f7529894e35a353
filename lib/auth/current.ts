import "server-only";
// Resolves the request's session once (React cache): cookie → JWT → session row → account.
import { cache } from "react";
import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";
import { env } from "../env";
import { sessionCookieName } from "./next-auth";
import { validateSession, type ActiveSession } from "./sessions";
import { hashSecret } from "../crypto";

export type Current = ActiveSession & { token: string; sessionId: string };

export async function sessionTokenFromCookie(raw: string | undefined): Promise<string | null> {
  if (!raw || raw.length > 8192) return null;
  try {
    const payload = await decode<{ st?: string }>({ token: raw, secret: env().secret, salt: sessionCookieName() });
    return typeof payload?.st === "string" ? payload.st : null;
  } catch {
    return null;
  }
}

export const currentSession = cache(async (): Promise<Current | null> => {
  const jar = await cookies();
  const token = await sessionTokenFromCookie(jar.get(sessionCookieName())?.value);
  if (!token) return null;
  const active = await validateSession(token);
  if (!active) return null;
  return { ...active, token, sessionId: hashSecret(`session:${token}`) };
});
