// next-auth v5 with Latchkey as its OpenID Connect provider: the issuer is Latchkey's base URL (no
// path), the client ID and secret come from Latchkey's Manager app (/admin/clients).
import NextAuth from "next-auth";

export const ISSUER = process.env.LATCHKEY_ISSUER ?? "http://localhost:3000";

declare module "next-auth" {
  interface Session {
    amr?: string[];
    acr?: string;
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  providers: [
    {
      id: "latchkey",
      name: "Latchkey",
      type: "oidc",
      issuer: ISSUER,
      clientId: process.env.LATCHKEY_CLIENT_ID,
      clientSecret: process.env.LATCHKEY_CLIENT_SECRET,
      // Latchkey requires PKCE from every app; state and nonce guard the round trip too.
      checks: ["pkce", "state", "nonce"],
      // Add " offline_access" and prompt: "consent" for refresh tokens, acr_values: "urn:latchkey:loa:2fa" to ask for two-step verification.
      authorization: { params: { scope: "openid profile email" } },
    },
  ],
  callbacks: {
    jwt({ token, profile }) {
      // How the person signed in to Latchkey (amr: pwd, otp, sms, hwk, mfa) and at which level (acr).
      if (profile) Object.assign(token, { sub: profile.sub, amr: profile.amr, acr: profile.acr });
      return token;
    },
    session({ session, token }) {
      return { ...session, user: { ...session.user, id: token.sub ?? "" }, amr: token.amr as string[] | undefined, acr: token.acr as string | undefined };
    },
  },
});
