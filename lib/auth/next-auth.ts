import "server-only";
// next-auth v5: issues and clears the encrypted JWT cookie that carries the server-side session token.
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { env } from "../env";
import { bindSession, validateSession } from "./sessions";

export const secureCookies = () => env().baseUrl.startsWith("https://");
// `__Host-` (Secure, path /, no domain) where the site runs on HTTPS, as B2 asks.
export const sessionCookieName = () => (secureCookies() ? "__Host-latchkey.session" : "latchkey.session");

const ABSOLUTE_MAX_AGE = 365 * 86_400; // The server-side row carries the real, admin-set absolute limit.

export const { handlers, signIn, signOut } = NextAuth(() => ({
  secret: env().secret,
  trustHost: true,
  session: { strategy: "jwt", maxAge: ABSOLUTE_MAX_AGE },
  useSecureCookies: secureCookies(),
  cookies: {
    sessionToken: {
      name: sessionCookieName(),
      options: { httpOnly: true, sameSite: "lax", path: "/", secure: secureCookies() },
    },
  },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    Credentials({
      // The only credential is a fresh session token that lib code created after every factor passed.
      credentials: { sessionToken: {} },
      async authorize(credentials) {
        const token = typeof credentials?.sessionToken === "string" ? credentials.sessionToken : "";
        const userId = await bindSession(token);
        return userId ? { id: userId, sessionToken: token } : null;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) return { sub: user.id, st: (user as { sessionToken?: string }).sessionToken };
      // /api/auth/session comes here: a session ended on the server (sign-out, password change, an
      // admin's block, idle or absolute expiry) answers as signed out, and its cookie is cleared.
      const st = typeof token.st === "string" ? token.st : null;
      return st && (await validateSession(st)) ? token : null;
    },
    // Nothing secret leaves the server through /api/auth/session.
    session({ session, token }) {
      return { expires: session.expires, user: { id: token.sub } } as never;
    },
  },
}));
