// OAuth / OpenID Connect attacks on the provider, through the real route handlers: open redirects
// through redirect_uri and post_logout_redirect_uri, authorization-code injection, PKCE downgrade,
// mix-up (the issuer in every answer), tokens bound to their app.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as client from "openid-client";
import { decodeJwt } from "jose";
import { createUser } from "../support/fixtures";
import { jar } from "../support/cookie-jar";
import { authorize, Browser, ISSUER, oauthError, registerApp, RP, RP_BYE, rpConfig, signInToApp } from "../support/oidc";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

beforeEach(() => jar.clear());

let userId: string;
let app: { id: string; secret: string };
let other: { id: string; secret: string };
beforeAll(async () => {
  userId = (await createUser({ name: "Victim" })).id;
  const a = await registerApp({ name: "Honest app" });
  app = { id: a.client.id, secret: a.secret! };
  const b = await registerApp({ name: "Other app", redirectUris: "https://other.example/callback" });
  other = { id: b.client.id, secret: b.secret! };
});

const signIn = (b: Browser) => () => b.signIn(userId);

describe("open redirect through redirect_uri", () => {
  const VECTORS = [
    "https://evil.example/callback",
    "https://rp.example/callback.evil.example",
    "https://rp.example.evil.example/callback",
    "https://rp.example/callback/../../evil",
    "https://rp.example/callback/",
    "https://rp.example/callback?next=https://evil.example",
    "https://rp.example@evil.example/callback",
    "https://evil.example/?https://rp.example/callback",
    "HTTPS://RP.EXAMPLE/callback",
    "https://rp.example:443/callback",
    "http://rp.example/callback",
    "https%3A%2F%2Frp.example%2Fcallback",
    "//evil.example/callback",
    "/callback",
    "javascript:alert(1)//https://rp.example/callback",
    "data:text/html,<script>alert(1)</script>",
  ];

  it("an unregistered or altered redirect_uri gets a Latchkey page, never a redirect — before or after signing in", async () => {
    const config = await rpConfig(app.id, app.secret);
    const signedIn = new Browser();
    await signedIn.signIn(userId);
    for (const uri of VECTORS) {
      for (const b of [new Browser(), signedIn]) {
        const url = client.buildAuthorizationUrl(config, { redirect_uri: uri, scope: "openid", code_challenge: "x".repeat(43), code_challenge_method: "S256" });
        const { response } = await b.request(url);
        expect(response.status, uri).toBe(400);
        expect(response.headers.get("location"), uri).toBeNull();
        expect(await response.text(), uri).not.toContain("evil.example");
      }
    }
  });

  it("the redirect URI of another registered app is refused too", async () => {
    const r = await authorize(new Browser(), await rpConfig(app.id, app.secret), { redirectUri: "https://other.example/callback" });
    expect(r.page?.status).toBe(400);
  });

  it("errors about an unknown app never redirect, even to a valid-looking URI", async () => {
    const { response } = await new Browser().request(
      `/oidc/auth?client_id=unknown&response_type=code&scope=openid&redirect_uri=${encodeURIComponent("https://evil.example/cb")}&state=x`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });

  it("post_logout_redirect_uri: only a registered one is followed", async () => {
    const config = await rpConfig(app.id, app.secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { signIn: signIn(b) });
    for (const uri of ["https://evil.example/", `${RP_BYE}/../evil`, `${RP_BYE}.evil.example`, RP]) {
      const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: uri });
      const { response } = await b.request(end);
      expect(response.status, uri).toBe(400);
      expect(response.headers.get("location"), uri).toBeNull();
    }
  });
});

describe("authorization code injection", () => {
  it("a code stolen from another sign-in cannot be redeemed without that sign-in's PKCE verifier", async () => {
    const config = await rpConfig(app.id, app.secret);
    const attacker = new Browser();
    const stolen = await authorize(attacker, config, { signIn: signIn(attacker) });
    // The victim's app session has its own state and verifier; the injected code carries the attacker's.
    const victim = await authorize(new Browser(), config, { stopAt: "sign_in" });
    const injected = new URL(RP);
    injected.searchParams.set("code", stolen.callback.searchParams.get("code")!);
    injected.searchParams.set("state", victim.state);
    injected.searchParams.set("iss", ISSUER());
    const e = await oauthError(client.authorizationCodeGrant(config, injected, { pkceCodeVerifier: victim.verifier, expectedState: victim.state }));
    expect(e.error).toBe("invalid_grant");
  });

  it("a code issued to one app cannot be redeemed by another, even with the right verifier", async () => {
    const b = new Browser();
    const r = await authorize(b, await rpConfig(app.id, app.secret), { signIn: signIn(b) });
    const otherConfig = await rpConfig(other.id, other.secret);
    const e = await oauthError(
      client.authorizationCodeGrant(otherConfig, r.callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce }),
    );
    expect(e.error).toBe("invalid_grant");
  });
});

describe("PKCE downgrade", () => {
  it("no code_challenge, the plain method or a malformed challenge are refused at the authorization endpoint", async () => {
    const config = await rpConfig(app.id, app.secret);
    const none = await authorize(new Browser(), config, { pkce: false });
    expect(none.callback.searchParams.get("error")).toBe("invalid_request");
    const downgrades: Array<Record<string, string>> = [
      { code_challenge_method: "plain" },
      { code_challenge: "short" },
      { code_challenge: "a".repeat(43), code_challenge_method: "S512" },
    ];
    for (const params of downgrades) {
      const r = await authorize(new Browser(), config, { params });
      expect(r.callback.searchParams.get("error"), JSON.stringify(params)).toBe("invalid_request");
    }
  });

  it("a code obtained with a challenge is not redeemed without its verifier, nor with another", async () => {
    const config = await rpConfig(app.id, app.secret);
    const b = new Browser();
    const r = await authorize(b, config, { signIn: signIn(b) });
    const code = r.callback.searchParams.get("code")!;
    const token = (body: Record<string, string>) =>
      b.request("/oidc/token", {
        form: { grant_type: "authorization_code", code, redirect_uri: RP, ...body },
        origin: null,
        headers: { authorization: `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString("base64")}` },
      });
    const missing = await token({});
    expect(missing.response.status).toBe(400);
    expect(await missing.response.json()).toMatchObject({ error: "invalid_grant" });
    const wrong = await token({ code_verifier: client.randomPKCECodeVerifier() });
    expect(await wrong.response.json()).toMatchObject({ error: "invalid_grant" });
  });
});

describe("mix-up", () => {
  it("every authorization answer names the issuer (RFC 9207), and the client checks it", async () => {
    const config = await rpConfig(app.id, app.secret);
    expect(config.serverMetadata().authorization_response_iss_parameter_supported).toBe(true);
    const b = new Browser();
    const r = await authorize(b, config, { signIn: signIn(b) });
    expect(r.callback.searchParams.get("iss")).toBe(ISSUER());
    const error = await authorize(new Browser(), config, { params: { prompt: "none" } });
    expect(error.callback.searchParams.get("iss")).toBe(ISSUER());
    // An answer relayed from another provider (another iss) is refused by the client before any token request.
    const forged = new URL(r.callback);
    forged.searchParams.set("iss", "https://other-provider.example");
    await expect(
      client.authorizationCodeGrant(config, forged, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce }),
    ).rejects.toThrow();
  });

  it("ID tokens name their issuer and their app; another app cannot revoke an app's tokens", async () => {
    const config = await rpConfig(app.id, app.secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { signIn: signIn(b) });
    const claims = decodeJwt(tokens.id_token!);
    expect(claims.iss).toBe(ISSUER());
    expect(claims.aud).toBe(app.id);
    const revokedByOther = await oauthError(client.tokenRevocation(await rpConfig(other.id, other.secret), tokens.access_token));
    expect(revokedByOther.error).toBe("invalid_request");
  });
});
