import "server-only";
// The OpenID Provider (oidc-provider, OpenID Certified): its configuration, and one instance per
// process, rebuilt when the signing keys change (checked at most every 30 s, so every instance of a
// serverless deploy follows a rotation).
import { hkdfSync } from "node:crypto";
import Provider, { errors, interactionPolicy, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { env } from "@/lib/env";
import { adapterFor } from "./adapter";
import { findAccount, SCOPE_CLAIMS } from "./claims";
import { ACR_1FA, ACR_2FA, clientSecretMatches, REQUIRE_2FA, SCOPES, SKIP_CONSENT } from "./clients";
import { auditEvents } from "./events";
import { errorPage, logoutPage } from "./html";
import { ensureKeys, keysVersion, loadJwks } from "./keys";

/**
 * What handleOidc learns of the Latchkey session and hands to the interaction policy; `twoFactors`:
 * the session proved two different factors (provesTwoFactors).
 */
export type LatchkeyState = { userId: string; token: string; twoFactors: boolean } | null;
type OidcRequest = { latchkey?: LatchkeyState; after?: Array<Promise<unknown>> };
export const oidcRequest = (ctx: { req: unknown }) => ctx.req as OidcRequest;

/** Every interval of the tokens (seconds). */
export const TTL = {
  AccessToken: 10 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  Interaction: 30 * 60,
  Session: 14 * 86_400,
  Grant: 30 * 86_400,
  RefreshToken: 14 * 86_400,
  // A chain of rotated refresh tokens never outlives this, counted from the sign-in.
  RefreshChain: 30 * 86_400,
} as const;

const { Check, base } = interactionPolicy;

/** Whether this authorization asks for two-step verification: acr_values, or the app's own setting. */
export function twoFactorAsked(ctx: KoaContextWithOIDC): boolean {
  const asked = String(ctx.oidc.params?.acr_values ?? "")
    .split(" ")
    .includes(ACR_2FA);
  return asked || (ctx.oidc.client as unknown as Record<string, unknown> | undefined)?.[REQUIRE_2FA] === true;
}

function policy() {
  const p = base();
  const login = p.get("login")!;
  // The provider's session follows the Latchkey session: signed out, ended, blocked, or another
  // account signed in means signing in again (prompt=none: login_required).
  login.checks.push(
    new Check("latchkey_session", "End-User must be signed in to Latchkey", "login_required", (ctx) => {
      const lk = oidcRequest(ctx).latchkey;
      return !lk || lk.userId !== ctx.oidc.session?.accountId ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );
  // acr_values is only a wish in OIDC; Latchkey makes the two-step value binding, and an admin can
  // require it per app. Both the provider's session (the acr its tokens carry) and the Latchkey
  // session behind it must have proved two factors.
  login.checks.push(
    new Check("latchkey_2fa", "two-step verification is required", "login_required", (ctx) =>
      twoFactorAsked(ctx) && (ctx.oidc.session?.acr !== ACR_2FA || !oidcRequest(ctx).latchkey?.twoFactors) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT,
    ),
  );
  return p;
}

/**
 * The provider without the form_post response mode. Its answer is a page that submits itself to the
 * app with an inline script, which the site's Content-Security-Policy (lib/csp.ts: script nonces,
 * `form-action 'self'`, set on /oidc/* by proxy.ts) would stop in the browser. A request asking for
 * it gets unsupported_response_mode at its redirect URI, in the query; discovery does not list it.
 */
class LatchkeyProvider extends Provider {
  override registerResponseMode(name: string, handler: Parameters<Provider["registerResponseMode"]>[1]) {
    if (name !== "form_post") super.registerResponseMode(name, handler);
  }
}

/** Discovery lists the response modes that are answered (oidc-provider names form_post in any case). */
async function withoutFormPost(ctx: KoaContextWithOIDC, next: () => Promise<void>) {
  await next();
  const body = ctx.oidc?.route === "discovery" ? (ctx.body as { response_modes_supported?: string[] } | undefined) : undefined;
  if (body?.response_modes_supported) body.response_modes_supported = body.response_modes_supported.filter((m) => m !== "form_post");
}

function cookieKeys() {
  return [Buffer.from(hkdfSync("sha256", env().secret, "latchkey", "latchkey oidc cookies v1", 32)).toString("base64url")];
}

function configuration(jwks: Configuration["jwks"]): Configuration {
  const { baseUrl } = env();
  return {
    adapter: adapterFor as unknown as Configuration["adapter"],
    jwks,
    clients: [],
    findAccount,
    claims: { ...SCOPE_CLAIMS, acr: null, amr: null, auth_time: null, sid: null, iss: null } as unknown as Configuration["claims"],
    scopes: [...SCOPES],
    acrValues: [ACR_1FA, ACR_2FA],
    extraClientMetadata: { properties: [REQUIRE_2FA, SKIP_CONSENT] },
    responseTypes: ["code"],
    clientAuthMethods: ["client_secret_basic", "client_secret_post", "none"],
    enabledJWA: { idTokenSigningAlgValues: ["ES256", "RS256"], userinfoSigningAlgValues: ["ES256", "RS256"] },
    // PKCE (S256) for every app, confidential ones too (RFC 9700).
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    // Scope claims in the ID token too: next-auth and many other apps build the profile from it alone.
    conformIdTokenClaims: false,
    routes: {
      authorization: "/oidc/auth",
      token: "/oidc/token",
      userinfo: "/oidc/me",
      jwks: "/oidc/jwks",
      revocation: "/oidc/token/revocation",
      end_session: "/oidc/session/end",
      // Features that are off still get a path under /oidc.
      introspection: "/oidc/token/introspection",
      registration: "/oidc/reg",
      pushed_authorization_request: "/oidc/request",
      code_verification: "/oidc/device",
      device_authorization: "/oidc/device/auth",
      backchannel_authentication: "/oidc/backchannel",
      challenge: "/oidc/challenge",
    },
    // Browser-based apps may call the token, revocation and userinfo endpoints from their own origins.
    clientBasedCORS(_ctx, origin, client) {
      if (origin === "null") return false;
      return client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false;
    },
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        // An app revokes only its own tokens.
        async allowedPolicy(_ctx, client, token) {
          if (token.clientId !== client.clientId) {
            if (client.clientAuthMethod === "none") return false;
            throw new errors.InvalidRequest("client is not authorized to revoke the presented token");
          }
          return true;
        },
      },
      userinfo: { enabled: true },
      clientCredentials: { enabled: false },
      introspection: { enabled: false },
      registration: { enabled: false },
      deviceFlow: { enabled: false },
      claimsParameter: { enabled: false },
      requestObjects: { enabled: false },
      dPoP: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = "html";
          ctx.body = logoutPage(form, ctx.oidc.client?.clientName);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.status = 303;
          ctx.redirect(`${baseUrl}/`);
        },
      },
    },
    interactions: {
      policy: policy(),
      url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}`,
    },
    async loadExistingGrant(ctx) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
      let grant = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      // A grant left behind by another account (or an app) is never reused.
      if (grant && (grant.accountId !== session.accountId || grant.clientId !== client.clientId)) grant = undefined;
      if ((client as unknown as Record<string, unknown>)[SKIP_CONSENT] !== true) return grant;
      // A first-party app: consent is implied for the scopes it is allowed.
      grant ??= new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      const allowed = new Set((client.scope ?? "").split(" "));
      const requested = String(ctx.oidc.params?.scope ?? "")
        .split(" ")
        .filter((s) => allowed.has(s));
      if (requested.length) grant.addOIDCScope(requested.join(" "));
      await grant.save();
      return grant;
    },
    // Errors that cannot go back to the app: a Latchkey page, with the status oidc-provider chose.
    async renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = errorPage(String(out.error), out.error_description ? String(out.error_description) : undefined);
    },
    // Every use of a refresh token gives a new one; using an old one again revokes the whole grant.
    rotateRefreshToken: true,
    ttl: {
      AccessToken: TTL.AccessToken,
      AuthorizationCode: TTL.AuthorizationCode,
      IdToken: TTL.IdToken,
      Interaction: TTL.Interaction,
      Session: TTL.Session,
      Grant: TTL.Grant,
      RefreshToken(_ctx, token) {
        const now = Math.floor(Date.now() / 1000);
        const left = TTL.RefreshChain - (now - (token.iiat ?? token.iat ?? now));
        return Math.max(1, Math.min(TTL.RefreshToken, left));
      },
    },
    cookies: {
      keys: cookieKeys(),
      names: { session: "lk_op_session", interaction: "lk_op_interaction", resume: "lk_op_resume" },
      long: { httpOnly: true, sameSite: "lax" },
      short: { httpOnly: true, sameSite: "lax" },
    },
  };
}

type Cached = { provider: Provider; callback: ReturnType<Provider["callback"]>; version: string; checkedAt: number };
const g = globalThis as unknown as { __latchkeyOidc?: Cached; __latchkeyOidcBuilding?: Promise<Cached> };
const RECHECK_MS = 30_000;

async function build(): Promise<Cached> {
  await ensureKeys();
  const version = await keysVersion();
  const current = g.__latchkeyOidc;
  if (current && current.version === version) {
    current.checkedAt = Date.now();
    return current;
  }
  const provider = new LatchkeyProvider(env().baseUrl, configuration((await loadJwks()) as Configuration["jwks"]));
  provider.use(withoutFormPost as Parameters<Provider["use"]>[0]);
  // Secrets are stored as HMACs: compare the presented secret's (the override point oidc-provider offers for this).
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return clientSecretMatches(actual, this.clientSecret);
  };
  provider.on("server_error", (_ctx, err) => console.error("[oidc] server_error", err));
  auditEvents(provider);
  const built = { provider, callback: provider.callback(), version, checkedAt: Date.now() };
  g.__latchkeyOidc = built;
  return built;
}

/** The process's Provider, built on first use and again after a key change. */
export async function getProvider(): Promise<Cached> {
  const current = g.__latchkeyOidc;
  if (current && Date.now() - current.checkedAt < RECHECK_MS) return current;
  g.__latchkeyOidcBuilding ??= build().finally(() => {
    g.__latchkeyOidcBuilding = undefined;
  });
  return g.__latchkeyOidcBuilding;
}

/** Forgets the Provider (after a key change on this instance: no need to wait for the next check). */
export function resetProvider() {
  g.__latchkeyOidc = undefined;
}

export { errors };
