import "server-only";
// Resolves the request's session once (React cache): cookie → session row and account, one statement.
import { cache } from "react";
import { cookies } from "next/headers";
import { sessionCookieName, sessionTokenFromCookie } from "./cookie";
import { validateSession, type ActiveSession } from "./sessions";

export type Current = ActiveSession & { token: string; sessionId: string };

export const currentSession = cache(async (): Promise<Current | null> => {
  const jar = await cookies();
  const token = sessionTokenFromCookie(jar.get(sessionCookieName())?.value);
  if (!token) return null;
  const active = await validateSession(token);
  if (!active) return null;
  return { ...active, token, sessionId: active.session.id };
});
