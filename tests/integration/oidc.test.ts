// The OpenID Provider with a real client library (openid-client): authorization code + PKCE, claims,
// amr/acr, refresh rotation and reuse, revocation, sign-out, prompt and max_age, and every refusal.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as client from "openid-client";
import { decodeProtectedHeader } from "jose";
import { eq, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { oidcClients, oidcPayloads } from "@/db/schema";
import { ACR_1FA, ACR_2FA } from "@/lib/oidc/clients";
import { blockAccount } from "@/lib/accounts";
import { createUser } from "../support/fixtures";
import { jar } from "../support/cookie-jar";
import { authorize, Browser, ISSUER, oauthError, registerApp, RP, RP_BYE, rpConfig, signInToApp } from "../support/oidc";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

beforeEach(() => jar.clear());

let user: Awaited<ReturnType<typeof createUser>>;
let web: { id: string; secret: string };

beforeAll(async () => {
  user = await createUser({ name: "Ada Lovelace" });
  const { client: c, secret } = await registerApp();
  web = { id: c.id, secret: secret! };
});

const signedIn = (b: Browser, opts: { method?: string; secondFactor?: boolean } = {}) => () => b.signIn(user.id, opts);

describe("discovery and keys", () => {
  it("publishes the metadata at the issuer's .well-known, endpoints under /oidc, an EC and an RSA key", async () => {
    const config = await rpConfig(web.id, web.secret);
    const md = config.serverMetadata();
    expect(md.issuer).toBe(ISSUER());
    expect(md.authorization_endpoint).toBe(`${ISSUER()}/oidc/auth`);
    expect(md.token_endpoint).toBe(`${ISSUER()}/oidc/token`);
    expect(md.userinfo_endpoint).toBe(`${ISSUER()}/oidc/me`);
    expect(md.revocation_endpoint).toBe(`${ISSUER()}/oidc/token/revocation`);
    expect(md.end_session_endpoint).toBe(`${ISSUER()}/oidc/session/end`);
    expect(md.code_challenge_methods_supported).toEqual(["S256"]);
    expect(md.acr_values_supported).toEqual([ACR_1FA, ACR_2FA]);
    expect(md.scopes_supported).toEqual(expect.arrayContaining(["openid", "profile", "email", "phone", "offline_access"]));
    expect(md.authorization_response_iss_parameter_supported).toBe(true);
    const jwks = (await fetchJwks(md.jwks_uri!)) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.map((k) => k.kty).sort()).toEqual(["EC", "RSA"]);
    expect(jwks.keys.every((k) => !("d" in k))).toBe(true);
  });
});

async function fetchJwks(uri: string) {
  const b = new Browser();
  const { response } = await b.request(uri);
  return response.json();
}

describe("authorization code + PKCE", () => {
  it("a confidential app: sign-in, consent, ID token and userinfo claims, amr and acr", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const { tokens, steps } = await signInToApp(b, config, { signIn: signedIn(b) });
    expect(steps).toEqual(["sign_in", "continue", "consent"]);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(user.id);
    expect(claims.sub).not.toContain("@");
    expect(claims.amr).toEqual(["pwd"]);
    expect(claims.acr).toBe(ACR_1FA);
    expect(claims.email).toBe(user.email);
    expect(claims.email_verified).toBe(true);
    expect(claims.name).toBe("Ada Lovelace");
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe("RS256");
    expect(tokens.refresh_token).toBeUndefined();
    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info).toMatchObject({ sub: user.id, name: "Ada Lovelace", email: user.email, email_verified: true });
    expect(info.profiles).toEqual([{ name: "Ada Lovelace", type: "Person" }]);
  });
});
