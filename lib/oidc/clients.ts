import "server-only";
// The apps that sign in with Latchkey (OIDC clients): validation of what the admin enters, the
// metadata oidc-provider reads, the secret (shown once, kept as an HMAC), rotation and disabling.
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/lib/db";
import { oidcClients, oidcPayloads, type OidcClient } from "@/db/schema";
import { audit } from "@/lib/audit";
import { hashSecret, randomToken, safeEqual } from "@/lib/crypto";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hasControlCharacters } from "@/lib/shared/text-input";

export const SCOPES = ["openid", "profile", "email", "phone", "offline_access"] as const;
export type Scope = (typeof SCOPES)[number];
export const SCOPE_LABELS: Record<Scope, string> = {
  openid: "Sign you in (your account ID)",
  profile: "Your name and profile names",
  email: "Your email address",
  phone: "Your phone number",
  offline_access: "Stay signed in when you are away (refresh tokens)",
};

export const ACR_1FA = "urn:latchkey:loa:1fa";
export const ACR_2FA = "urn:latchkey:loa:2fa";

// Custom metadata of a client, read by the interaction policy and the consent step.
export const REQUIRE_2FA = "urn:latchkey:require_2fa";
export const SKIP_CONSENT = "urn:latchkey:skip_consent";

/** Client secrets at rest: a server-keyed HMAC (the secret is 256 random bits: nothing to slow down). */
export const hashClientSecret = (secret: string) => `hmac256$${hashSecret(`oidc-client-secret:${secret}`)}`;
export const clientSecretMatches = (presented: unknown, stored: unknown) =>
  typeof presented === "string" && typeof stored === "string" && presented.length <= 512 && safeEqual(hashClientSecret(presented), stored);

// Loopback host names, where http:// is allowed for development (RFC 6761 keeps *.localhost on this machine).
const isLoopback = (host: string) => host === "localhost" || host.endsWith(".localhost") || host === "127.0.0.1" || host === "[::1]";
// A mobile app's own scheme: reverse-domain (com.example.app), RFC 8252 7.1.
const PRIVATE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/;

const isPrivateScheme = (uri: string) => {
  const u = URL.parse(uri);
  return Boolean(u && PRIVATE_SCHEME.test(u.protocol));
};

/** Why a redirect URI cannot be registered, or null. Public clients may use a mobile app's own scheme. */
export function redirectUriProblem(uri: string, publicClient: boolean): string | null {
  if (uri.length > 500) return "is too long (at most 500 characters)";
  const u = URL.parse(uri);
  if (!u || u.href === "") return "is not an absolute URL";
  if (uri.includes("#")) return "must not contain a fragment (#)";
  if (u.username || u.password) return "must not contain a user name or password";
  if (u.protocol === "https:") return u.hostname ? null : "needs a host name";
  if (u.protocol === "http:") return isLoopback(u.hostname) ? null : "must use https:// (http:// only for localhost)";
  if (publicClient && PRIVATE_SCHEME.test(u.protocol)) return null;
  return publicClient
    ? "must use https://, http://localhost or an app's own scheme such as com.example.app:/callback"
    : "must use https:// (http:// only for localhost)";
}

const checkbox = z.preprocess((v) => v === true || v === "on" || v === "true" || v === "1", z.boolean());

const uriLines = (label: string, min: number) =>
  z.preprocess(
    (v) => (Array.isArray(v) ? v.join("\n") : typeof v === "string" ? v : ""),
    z
      .string()
      .max(10_000, `Too many ${label}.`)
      .transform((s) => [
        ...new Set(
          s
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(
        z
          .array(z.string())
          .min(min, `Enter at least one ${label.replace(/s$/, "")}.`)
          .max(20, `Enter at most 20 ${label}.`),
      ),
  );

/** What the admin enters for a client (create and edit). */
export const clientInputSchema = z
  .object({
    name: z.string({ error: "Name the app." }).trim().min(1, "Name the app.").max(80, "Use at most 80 characters."),
    type: z.enum(["confidential", "public"], { error: "Choose the kind of app." }),
    redirectUris: uriLines("redirect URIs", 1),
    postLogoutRedirectUris: uriLines("sign-out redirect URIs", 0),
    allowedScopes: z.preprocess(
      (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.enum(SCOPES, { error: "Choose scopes from the list." })).refine((s) => s.includes("openid"), "The openid scope is needed to sign in."),
    ),
    require2fa: checkbox.default(false),
    skipConsent: checkbox.default(false),
    idTokenAlg: z.enum(["ES256", "RS256"], { error: "Choose ES256 or RS256." }).default("RS256"),
  })
  .superRefine((c, ctx) => {
    const isPublic = c.type === "public";
    for (const [field, label] of [
      ["redirectUris", "Redirect URI"],
      ["postLogoutRedirectUris", "Sign-out redirect URI"],
    ] as const) {
      for (const uri of c[field]) {
        const problem = redirectUriProblem(uri, isPublic);
        if (problem) {
          ctx.addIssue({ code: "custom", path: [field], message: `${label} "${uri.slice(0, 80)}" ${problem}.` });
          break;
        }
      }
    }
    // A mobile app (its own scheme) is matched exactly too: loopback http would allow any port there (RFC 8252).
    const all = [...c.redirectUris, ...c.postLogoutRedirectUris];
    if (all.some(isPrivateScheme) && all.some((u) => URL.parse(u)?.protocol === "http:")) {
      ctx.addIssue({ code: "custom", path: ["redirectUris"], message: "A mobile app's URIs use its own scheme or https://, not http://localhost." });
    }
  });

export type ClientInput = z.infer<typeof clientInputSchema>;

/** The metadata oidc-provider reads for a client row, or undefined (unknown, disabled, no secret). */
export function clientMetadata(row: OidcClient | undefined) {
  if (!row || row.disabledAt) return undefined;
  const confidential = row.type === "confidential";
  if (confidential && !row.secretHash) return undefined;
  const native = [...row.redirectUris, ...row.postLogoutRedirectUris].some(isPrivateScheme);
  return {
    client_id: row.id,
    client_name: row.name,
    // The stored HMAC: Client.prototype.compareClientSecret is replaced to verify against it. It is
    // never used as a key (client_secret_jwt, HS* and encryption are all disabled).
    ...(confidential ? { client_secret: row.secretHash! } : {}),
    token_endpoint_auth_method: confidential ? "client_secret_basic" : "none",
    redirect_uris: row.redirectUris,
    post_logout_redirect_uris: row.postLogoutRedirectUris,
    response_types: ["code"],
    application_type: native ? "native" : "web",
    grant_types: row.allowedScopes.includes("offline_access") ? ["authorization_code", "refresh_token"] : ["authorization_code"],
    scope: row.allowedScopes.join(" "),
    id_token_signed_response_alg: row.idTokenAlg,
    [REQUIRE_2FA]: row.require2fa,
    [SKIP_CONSENT]: row.skipConsent,
  };
}

const newClientId = () => `app_${randomToken(15)}`;
const newSecret = () => `lks_${randomToken(32)}`;

function parse(input: unknown): ClientInput {
  const parsed = clientInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(ErrorCodes.INVALID_INPUT, issue.message, issue.path[0] === undefined ? undefined : String(issue.path[0]));
  }
  return parsed.data;
}

const described = (
  c: Pick<OidcClient, "name" | "type" | "redirectUris" | "postLogoutRedirectUris" | "allowedScopes" | "require2fa" | "skipConsent" | "idTokenAlg">,
) => ({
  name: c.name,
  type: c.type,
  redirectUris: c.redirectUris,
  postLogoutRedirectUris: c.postLogoutRedirectUris,
  allowedScopes: c.allowedScopes,
  require2fa: c.require2fa,
  skipConsent: c.skipConsent,
  idTokenAlg: c.idTokenAlg,
});

/** Registers an app. A confidential app gets a secret: returned here once, stored as an HMAC. */
export async function createClient(input: unknown, actorId: string | null): Promise<{ client: OidcClient; secret: string | null }> {
  const data = parse(input);
  const secret = data.type === "confidential" ? newSecret() : null;
  const now = new Date();
  const [client] = await db
    .insert(oidcClients)
    .values({
      id: newClientId(),
      ...data,
      secretHash: secret ? hashClientSecret(secret) : null,
      secretCreatedAt: secret ? now : null,
      createdBy: actorId,
    })
    .returning();
  await audit({ action: "oidc.client_created", actorId, detail: { clientId: client!.id, ...described(client!) } });
  return { client: client!, secret };
}

/** Changes an app's settings (its kind stays). Scopes taken away end the grants that hold them. */
export async function updateClient(id: string, input: unknown, actorId: string | null): Promise<OidcClient> {
  const before = await getClient(id);
  if (!before) throw new UserError(ErrorCodes.NOT_FOUND, "This app does not exist.");
  const data = parse({ ...(typeof input === "object" && input ? input : {}), type: before.type });
  const [client] = await db
    .update(oidcClients)
    .set({ ...data, type: before.type, updatedAt: new Date() })
    .where(eq(oidcClients.id, id))
    .returning();
  const was = described(before);
  const now = described(client!);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of Object.keys(now) as Array<keyof typeof now>) {
    if (JSON.stringify(was[k]) !== JSON.stringify(now[k])) changes[k] = { from: was[k], to: now[k] };
  }
  if (before.allowedScopes.some((s) => !client!.allowedScopes.includes(s))) await endClientGrants(id);
  if (Object.keys(changes).length) await audit({ action: "oidc.client_updated", actorId, detail: { clientId: id, name: client!.name, changes } });
  return client!;
}

/** A new secret for a confidential app; the old one stops working at once. Returned once. */
export async function rotateClientSecret(id: string, actorId: string | null): Promise<string> {
  const client = await getClient(id);
  if (!client) throw new UserError(ErrorCodes.NOT_FOUND, "This app does not exist.");
  if (client.type !== "confidential") throw new UserError(ErrorCodes.NOT_ALLOWED, "A public app has no secret.");
  const secret = newSecret();
  await db
    .update(oidcClients)
    .set({ secretHash: hashClientSecret(secret), secretCreatedAt: new Date(), updatedAt: new Date() })
    .where(eq(oidcClients.id, id));
  await audit({ action: "oidc.client_secret_rotated", actorId, detail: { clientId: id, name: client.name } });
  return secret;
}

/** Disables (every sign-in, code and token of the app ends at once) or enables an app again. */
export async function setClientDisabled(id: string, disabled: boolean, actorId: string | null) {
  const client = await getClient(id);
  if (!client) throw new UserError(ErrorCodes.NOT_FOUND, "This app does not exist.");
  if (Boolean(client.disabledAt) === disabled) return;
  await db
    .update(oidcClients)
    .set({ disabledAt: disabled ? new Date() : null, updatedAt: new Date() })
    .where(eq(oidcClients.id, id));
  if (disabled) await endClientGrants(id);
  await audit({ action: disabled ? "oidc.client_disabled" : "oidc.client_enabled", actorId, detail: { clientId: id, name: client.name } });
}

/** Deletes every grant, code and token issued to the app. */
async function endClientGrants(clientId: string) {
  await db.delete(oidcPayloads).where(eq(oidcPayloads.clientId, clientId));
}

/**
 * Whether `id` may name an app: at most 200 characters and no control characters (Postgres text
 * cannot hold a NUL byte). Anything else names no app and is never looked up.
 */
export const mayBeClientId = (id: unknown): id is string => typeof id === "string" && id.length > 0 && id.length <= 200 && !hasControlCharacters(id);

export async function getClient(id: string): Promise<OidcClient | null> {
  if (!mayBeClientId(id)) return null;
  const [row] = await db.select().from(oidcClients).where(eq(oidcClients.id, id)).limit(1);
  return row ?? null;
}

export async function listClients(): Promise<OidcClient[]> {
  return db.select().from(oidcClients).orderBy(desc(oidcClients.createdAt));
}
