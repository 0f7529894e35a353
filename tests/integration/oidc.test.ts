// The OpenID Provider with a real client library (openid-client): authorization code + PKCE, claims,
// amr/acr (a phone-code sign-in through the real sign-in steps), refresh rotation and reuse,
// revocation, sign-out, prompt and max_age, and every refusal.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as client from "openid-client";
import { decodeProtectedHeader } from "jose";
import { eq, sql } from "drizzle-orm";
import { db } from "@/lib/db";
import { generate } from "otplib";
import { oidcClients, oidcPayloads, users } from "@/db/schema";
import { ACR_1FA, ACR_2FA } from "@/lib/oidc/clients";
import { blockAccount, createAccountByAdmin, unblockAccount } from "@/lib/accounts/admin";
import { afterFirstFactor, finishWithCode } from "@/lib/auth/sign-in";
import { sessionCookieName } from "@/lib/auth/cookie";
import { deliveriesSettled } from "@/lib/delivery/deferred";
import { listOutbox } from "@/lib/delivery/outbox";
import { currentChallenge, startManagerStepUp } from "@/lib/factors/challenge";
import { currentSession } from "@/lib/auth/current";
import { createSession } from "@/lib/auth/sessions";
import { beginTotpEnrolment, confirmTotpEnrolment } from "@/lib/factors/totp";
import { amrAcrFor } from "@/lib/oidc/claims";
import { finishPhoneLogin, startPhoneLogin } from "@/lib/phone/login";
import { getSettings, updateSettings } from "@/lib/settings";
import { createUser, PASSWORD, sessionRow, smsClient, uniqueEmail } from "../support/fixtures";
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

const signedIn =
  (b: Browser, opts: { method?: string; secondFactor?: boolean } = {}) =>
  () =>
    b.signIn(user.id, opts);

/** Where a sign-in step redirected to (sign-in steps end in a redirect). */
async function redirectOf(step: Promise<unknown>) {
  try {
    await step;
  } catch (err) {
    const digest = (err as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return digest.split(";")[2];
    throw err;
  }
  throw new Error("the step did not redirect");
}

/** The browser takes the Latchkey session a sign-in step just opened (its cookie in the jar). */
function useSessionOf(b: Browser) {
  const name = sessionCookieName();
  const token = jar.get(name)!;
  b.cookies = b.cookies.filter((c) => c.name !== name);
  b.cookies.push({ name, value: token, path: "/" });
  return token;
}

/** Signs `b` in with a code sent to `phone`, as /login/phone does; returns the session token. */
async function signInByPhoneCode(b: Browser, phone: string) {
  jar.clear();
  await startPhoneLogin(phone, null, smsClient());
  await deliveriesSettled();
  const [sms] = (await listOutbox(phone)).filter((m) => m.channel === "sms");
  const signedInUser = await finishPhoneLogin(phone, /(\d{6})/.exec(sms!.body)![1]!);
  expect(await redirectOf(afterFirstFactor(signedInUser, "sms_code", "/dashboard"))).toBe("/dashboard");
  return useSessionOf(b);
}

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
    // form_post is not offered: its self-submitting page cannot run under the site's CSP.
    expect(md.response_modes_supported).toEqual(["fragment", "query"]);
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

describe("authorization code + PKCE: variants and refusals", () => {
  it("an ES256 app gets an ES256 ID token", async () => {
    const { client: c, secret } = await registerApp({ idTokenAlg: "ES256", name: "ES app" });
    const config = await rpConfig(c.id, secret, { alg: "ES256" });
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { signIn: signedIn(b) });
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe("ES256");
  });

  it("client_secret_post is accepted as well as Basic", async () => {
    const config = await rpConfig(web.id, web.secret, { auth: client.ClientSecretPost(web.secret) });
    const b = new Browser();
    await signInToApp(b, config, { signIn: signedIn(b) });
  });

  it("a public app signs in with PKCE; without PKCE it is refused (invalid_request), and so is a confidential one", async () => {
    const { client: spa } = await registerApp({ type: "public", name: "SPA", redirectUris: "https://spa.example/cb" });
    const config = await rpConfig(spa.id, null);
    const b = new Browser();
    await signInToApp(b, config, { redirectUri: "https://spa.example/cb", signIn: signedIn(b) });
    const r = await authorize(new Browser(), config, { redirectUri: "https://spa.example/cb", pkce: false });
    expect(r.callback.searchParams.get("error")).toBe("invalid_request");
    expect(r.callback.searchParams.get("error_description")).toMatch(/PKCE/);
    const conf = await authorize(new Browser(), await rpConfig(web.id, web.secret), { pkce: false });
    expect(conf.callback.searchParams.get("error")).toBe("invalid_request");
  });

  it("a wrong PKCE verifier: invalid_grant", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const r = await authorize(b, config, { signIn: signedIn(b) });
    const e = await oauthError(
      client.authorizationCodeGrant(config, r.callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: r.state, expectedNonce: r.nonce }),
    );
    expect(e.error).toBe("invalid_grant");
  });

  it("a redirect URI that is not registered exactly: a Latchkey error page, no redirect", async () => {
    const config = await rpConfig(web.id, web.secret);
    for (const wrong of ["https://evil.example/callback", `${RP}/`, `${RP}?x=1`, "https://rp.example/callback/../x", "http://rp.example/callback"]) {
      const r = await authorize(new Browser(), config, { redirectUri: wrong });
      expect(r.page?.status, wrong).toBe(400);
      expect(r.page?.headers.get("location")).toBeNull();
      expect(await r.page!.text()).toMatch(/not registered for it/);
    }
  });

  it("a scope the app is not allowed: invalid_scope to the app", async () => {
    const { client: c, secret } = await registerApp({ name: "Narrow", allowedScopes: ["openid", "email"] });
    const r = await authorize(new Browser(), await rpConfig(c.id, secret));
    expect(r.callback.searchParams.get("error")).toBe("invalid_scope");
  });

  it("a wrong client secret: invalid_client (401)", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const r = await authorize(b, config, { signIn: signedIn(b) });
    const bad = await rpConfig(web.id, "lks_not-the-secret");
    const e = await oauthError(
      client.authorizationCodeGrant(bad, r.callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce }),
    );
    expect(e).toMatchObject({ error: "invalid_client", status: 401 });
    // The right secret still redeems the code afterwards: a failed authentication consumes nothing.
    await client.authorizationCodeGrant(config, r.callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce });
  });

  it("a replayed code: invalid_grant, and the tokens of its first exchange are revoked", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const r = await signInToApp(b, config, { signIn: signedIn(b) });
    const again = await oauthError(
      client.authorizationCodeGrant(config, r.callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce }),
    );
    expect(again.error).toBe("invalid_grant");
    expect((await oauthError(client.fetchUserInfo(config, r.tokens.access_token, user.id))).status).toBe(401);
  });

  it("an expired code: invalid_grant", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const r = await authorize(b, config, { signIn: signedIn(b) });
    // Moving time: the code's expiry (60 s) into the past.
    await db.execute(
      sql`update oidc_payloads set payload = jsonb_set(payload, '{exp}', to_jsonb(extract(epoch from now())::int - 1)) where model = 'AuthorizationCode'`,
    );
    const e = await oauthError(
      client.authorizationCodeGrant(config, r.callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce }),
    );
    expect(e.error).toBe("invalid_grant");
  });

  it("a code issued to one app cannot be redeemed by another (code injection)", async () => {
    const { client: other, secret } = await registerApp({ name: "Other app" });
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const r = await authorize(b, config, { signIn: signedIn(b) });
    const otherConfig = await rpConfig(other.id, secret);
    const e = await oauthError(
      client.authorizationCodeGrant(otherConfig, r.callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce }),
    );
    expect(e.error).toBe("invalid_grant");
  });
});

describe("refresh tokens", () => {
  const offline = { params: { scope: "openid email offline_access", prompt: "consent" } };

  it("rotate on every use; reusing a rotated one revokes the whole family", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { ...offline, signIn: signedIn(b) });
    expect(tokens.refresh_token).toBeTruthy();
    const second = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(second.refresh_token).not.toBe(tokens.refresh_token);
    expect(second.claims()!.sub).toBe(user.id);
    const third = await client.refreshTokenGrant(config, second.refresh_token!);
    expect((await oauthError(client.refreshTokenGrant(config, tokens.refresh_token!))).error).toBe("invalid_grant");
    expect((await oauthError(client.refreshTokenGrant(config, third.refresh_token!))).error).toBe("invalid_grant");
    expect((await oauthError(client.fetchUserInfo(config, third.access_token, user.id))).status).toBe(401);
  });

  it("two uses of one refresh token at once: one wins, and the family is revoked", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { ...offline, signIn: signedIn(b) });
    const results = await Promise.allSettled([
      client.refreshTokenGrant(config, tokens.refresh_token!),
      client.refreshTokenGrant(config, tokens.refresh_token!),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(1);
    expect(
      (await oauthError(client.refreshTokenGrant(config, (ok[0] as PromiseFulfilledResult<client.TokenEndpointResponse>).value.refresh_token!))).error,
    ).toBe("invalid_grant");
  });

  it("offline_access without prompt=consent gives no refresh token (OpenID Connect Core 11)", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { params: { scope: "openid offline_access" }, signIn: signedIn(b) });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it("a blocked account's refresh token and access token stop working, and stay dead after unblocking", async () => {
    const blocked = await createUser({ name: "Soon Blocked" });
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { ...offline, signIn: () => b.signIn(blocked.id) });
    await blockAccount(blocked.id, null);
    expect((await oauthError(client.refreshTokenGrant(config, tokens.refresh_token!))).error).toBe("invalid_grant");
    expect((await oauthError(client.fetchUserInfo(config, tokens.access_token, blocked.id))).status).toBe(401);
    await unblockAccount(blocked.id, null);
    expect((await oauthError(client.refreshTokenGrant(config, tokens.refresh_token!))).error).toBe("invalid_grant");
  });
});

describe("revocation", () => {
  const offline = { params: { scope: "openid email offline_access", prompt: "consent" } };

  it("a revoked refresh token is dead, and so are the grant's access tokens", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { ...offline, signIn: signedIn(b) });
    await client.tokenRevocation(config, tokens.refresh_token!);
    expect((await oauthError(client.refreshTokenGrant(config, tokens.refresh_token!))).error).toBe("invalid_grant");
    expect((await oauthError(client.fetchUserInfo(config, tokens.access_token, user.id))).status).toBe(401);
  });

  it("revoking an access token ends it (and its grant's refresh token)", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { ...offline, signIn: signedIn(b) });
    await client.tokenRevocation(config, tokens.access_token, { token_type_hint: "access_token" });
    expect((await oauthError(client.fetchUserInfo(config, tokens.access_token, user.id))).status).toBe(401);
    expect((await oauthError(client.refreshTokenGrant(config, tokens.refresh_token!))).error).toBe("invalid_grant");
  });

  it("an app cannot revoke another app's token; an unknown token is answered 200 (RFC 7009)", async () => {
    const { client: other, secret } = await registerApp({ name: "Revoker" });
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { ...offline, signIn: signedIn(b) });
    const e = await oauthError(client.tokenRevocation(await rpConfig(other.id, secret), tokens.refresh_token!));
    expect(e.error).toBe("invalid_request");
    await client.refreshTokenGrant(config, tokens.refresh_token!);
    await client.tokenRevocation(config, "not-a-token-at-all");
  });
});

describe("prompt, max_age and two-step verification", () => {
  it("prompt=none: silent with a session, login_required without one or after signing out of Latchkey", async () => {
    const { client: c, secret } = await registerApp({ name: "First party", skipConsent: true });
    const config = await rpConfig(c.id, secret);
    const b = new Browser();
    await signInToApp(b, config, { signIn: signedIn(b) });
    const silent = await signInToApp(b, config, { params: { prompt: "none" } });
    expect(silent.steps).toEqual([]);
    const none = await authorize(new Browser(), config, { params: { prompt: "none" } });
    expect(none.callback.searchParams.get("error")).toBe("login_required");
    b.signOut();
    const after = await authorize(b, config, { params: { prompt: "none" } });
    expect(after.callback.searchParams.get("error")).toBe("login_required");
  });

  it("prompt=none for an app not yet allowed: consent_required", async () => {
    const { client: c, secret } = await registerApp({ name: "Never allowed" });
    const b = new Browser();
    await b.signIn(user.id);
    const first = await authorize(b, await rpConfig(web.id, web.secret), {});
    expect(first.callback.searchParams.get("code")).toBeTruthy();
    const r = await authorize(b, await rpConfig(c.id, secret), { params: { prompt: "none" } });
    expect(r.callback.searchParams.get("error")).toBe("consent_required");
  });

  it("a first-party app skips consent; consent denied gives access_denied to the app", async () => {
    const { client: c, secret } = await registerApp({ name: "Skips consent", skipConsent: true });
    const b = new Browser();
    const { steps } = await signInToApp(b, await rpConfig(c.id, secret), { signIn: signedIn(b) });
    expect(steps).toEqual(["sign_in", "continue"]);
    const d = new Browser();
    const denied = await authorize(d, await rpConfig(web.id, web.secret), { signIn: signedIn(d), consent: "deny" });
    expect(denied.callback.searchParams.get("error")).toBe("access_denied");
  });

  it("prompt=login asks to sign in again; the new sign-in gives a later auth_time", async () => {
    const { client: c, secret } = await registerApp({ name: "Login prompt", skipConsent: true });
    const config = await rpConfig(c.id, secret);
    const b = new Browser();
    const first = await signInToApp(b, config, { signIn: signedIn(b) });
    await new Promise((r) => setTimeout(r, 1100));
    const stop = await authorize(b, config, { params: { prompt: "login" }, stopAt: "reauth" });
    expect(stop.stoppedAt?.kind).toBe("reauth");
    const uid = stop.callback.pathname.split("/").pop()!;
    // "Sign in again" ends the Latchkey session and goes to the sign-in page, back to the interaction after.
    const { response } = await b.request(`/oidc/interaction/${uid}/reauth`, { form: {} });
    expect(response.headers.get("location")).toBe(`/login?next=${encodeURIComponent(`/oidc/interaction/${uid}`)}`);
    await b.signIn(user.id);
    const at = await b.follow(await b.request(`/oidc/interaction/${uid}`), RP);
    expect(((await at.response!.json()) as { kind: string }).kind).toBe("continue");
    const done = await b.follow(await b.request(`/oidc/interaction/${uid}/login`, { form: {} }), RP);
    const tokens = await client.authorizationCodeGrant(config, done.url, {
      pkceCodeVerifier: stop.verifier,
      expectedState: stop.state,
      expectedNonce: stop.nonce,
    });
    expect(tokens.claims()!.auth_time!).toBeGreaterThan(first.tokens.claims()!.auth_time!);
  });

  it("max_age: a sign-in older than it is asked again", async () => {
    const { client: c, secret } = await registerApp({ name: "Max age", skipConsent: true });
    const config = await rpConfig(c.id, secret);
    const b = new Browser();
    await signInToApp(b, config, { signIn: signedIn(b) });
    await new Promise((r) => setTimeout(r, 2100));
    const r = await authorize(b, config, { params: { max_age: "1" }, stopAt: "reauth" });
    expect(r.stoppedAt?.kind).toBe("reauth");
    const fresh = await signInToApp(b, config, { params: { max_age: "3600" } });
    expect(fresh.steps).toEqual([]);
  });

  it("max_age=0: one new sign-in is enough (no loop)", async () => {
    const { client: c, secret } = await registerApp({ name: "Max age zero", skipConsent: true });
    const config = await rpConfig(c.id, secret);
    const b = new Browser();
    await signInToApp(b, config, { signIn: signedIn(b) });
    // auth_time counts in seconds: a sign-in of this very second is not older than 0 seconds.
    await new Promise((r) => setTimeout(r, 1100));
    const stop = await authorize(b, config, { params: { max_age: "0" }, stopAt: "reauth" });
    expect(stop.stoppedAt?.kind).toBe("reauth");
    const uid = stop.callback.pathname.split("/").pop()!;
    await b.request(`/oidc/interaction/${uid}/reauth`, { form: {} });
    await b.signIn(user.id);
    const page = await b.follow(await b.request(`/oidc/interaction/${uid}`), RP);
    expect(((await page.response!.json()) as { kind: string }).kind).toBe("continue");
    const done = await b.follow(await b.request(`/oidc/interaction/${uid}/login`, { form: {} }), RP);
    expect(done.url.searchParams.get("code")).toBeTruthy();
  });

  it("acr_values asks for two-step verification: a one-factor session steps up; acr and amr say so", async () => {
    const { client: c, secret } = await registerApp({ name: "Asks 2FA", skipConsent: true });
    const config = await rpConfig(c.id, secret);
    const b = new Browser();
    await signInToApp(b, config, { signIn: signedIn(b) });
    const r = await authorize(b, config, { params: { acr_values: ACR_2FA }, stopAt: "step_up" });
    expect(r.stoppedAt?.kind).toBe("step_up");
    const uid = r.callback.pathname.split("/").pop()!;
    const { response } = await b.request(`/oidc/interaction/${uid}/step-up`, { form: {} });
    expect(response.headers.get("location")).toBe("/login/verify");
    // The second step passes on /login/verify, which opens a new session with it (as finishSecondFactor does).
    await b.signIn(user.id, { method: "password+totp", secondFactor: true });
    const at = await b.follow(await b.request(`/oidc/interaction/${uid}/login`, { form: {} }), RP);
    const tokens = await client.authorizationCodeGrant(config, at.url, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce });
    expect(tokens.claims()).toMatchObject({ acr: ACR_2FA, amr: ["pwd", "otp", "mfa"] });
  });

  it("amr follows the sign-in: a phone code is sms + otp; a trusted device as the second step is mfa", async () => {
    const { client: c, secret } = await registerApp({ name: "Methods", skipConsent: true });
    const config = await rpConfig(c.id, secret);
    const phone = new Browser();
    const bySms = await signInToApp(phone, config, { signIn: () => phone.signIn(user.id, { method: "sms_code" }) });
    expect(bySms.tokens.claims()).toMatchObject({ amr: ["sms", "otp"], acr: ACR_1FA });
    const trusted = new Browser();
    const byDevice = await signInToApp(trusted, config, { signIn: () => trusted.signIn(user.id, { method: "password+trusted_device", secondFactor: true }) });
    expect(byDevice.tokens.claims()).toMatchObject({ amr: ["pwd", "mfa"], acr: ACR_2FA });
  });

  it("a phone-code sign-in that passed Latchkey's second step is still one factor for apps: no mfa, and two-step apps step up", async () => {
    const twoFactor = await getSettings("twoFactor");
    await updateSettings("twoFactor", { ...twoFactor, enable2fa: true, requireFor: "individual", allowedMethods: ["sms", "email", "totp", "webauthn"] }, null);
    try {
      // SMS is the main method of this account (a phone confirmed by the admin, the default method);
      // an authenticator app is set up too.
      const phone = "+14155553301";
      const ada = await createAccountByAdmin({
        name: "Phone Person",
        email: uniqueEmail("phone"),
        password: PASSWORD,
        emailConfirmed: true,
        phone,
        actorId: null,
      });
      await db.update(users).set({ twoFactorWeb: true }).where(eq(users.id, ada.id));
      const { secret } = await beginTotpEnrolment(ada.id, ada.email!);
      await confirmTotpEnrolment(ada.id, await generate({ secret, epoch: Math.floor(Date.now() / 1000) }));

      const { client: plain, secret: plainSecret } = await registerApp({ name: "Plain", skipConsent: true });
      const { client: strict, secret: strictSecret } = await registerApp({ name: "Requires 2FA", require2fa: true, skipConsent: true });
      const b = new Browser();
      let token = "";
      const first = await signInToApp(b, await rpConfig(plain.id, plainSecret), {
        signIn: async () => {
          token = await signInByPhoneCode(b, phone);
        },
      });
      // Latchkey's own pages count the phone code as the second step (unchanged)…
      expect(await sessionRow(token)).toMatchObject({ method: "sms_code", secondFactorAt: expect.any(Date) });
      // …apps are told one factor.
      expect(first.tokens.claims()).toMatchObject({ amr: ["sms", "otp"], acr: ACR_1FA });

      const silent = await authorize(b, await rpConfig(strict.id, strictSecret), { params: { prompt: "none" } });
      expect(silent.callback.searchParams.get("error")).toBe("login_required");
      expect((await authorize(b, await rpConfig(strict.id, strictSecret), { stopAt: "step_up" })).stoppedAt?.kind).toBe("step_up");

      // acr_values: the step-up offers the authenticator app first (another SMS code would be the same phone).
      const config = await rpConfig(plain.id, plainSecret);
      const r = await authorize(b, config, { params: { acr_values: ACR_2FA }, stopAt: "step_up" });
      expect(r.stoppedAt?.kind).toBe("step_up");
      const uid = r.callback.pathname.split("/").pop()!;
      const { response } = await b.request(`/oidc/interaction/${uid}/step-up`, { form: {} });
      expect(response.headers.get("location")).toBe("/login/verify?method=totp");
      const pending = (await currentChallenge())!;
      const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
      expect(await redirectOf(finishWithCode(pending, "totp", { code }, false))).toBe(`/oidc/interaction/${uid}`);
      useSessionOf(b);
      const at = await b.follow(await b.request(`/oidc/interaction/${uid}`), RP);
      expect(((await at.response!.json()) as { kind: string }).kind).toBe("continue");
      const done = await b.follow(await b.request(`/oidc/interaction/${uid}/login`, { form: {} }), RP);
      const tokens = await client.authorizationCodeGrant(config, done.url, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce });
      expect(tokens.claims()).toMatchObject({ acr: ACR_2FA, amr: ["sms", "otp", "mfa"] });
    } finally {
      await updateSettings("twoFactor", twoFactor, null);
    }
  });

  it("an account whose only second step is SMS, signed in by phone code: a two-step app asks it to sign in again, never a step that adds nothing", async () => {
    const twoFactor = await getSettings("twoFactor");
    await updateSettings("twoFactor", { ...twoFactor, enable2fa: true, requireFor: "individual", allowedMethods: ["sms", "email", "totp", "webauthn"] }, null);
    try {
      const phone = "+14155553302";
      const solo = await createAccountByAdmin({
        name: "Only SMS",
        email: uniqueEmail("only-sms"),
        password: PASSWORD,
        emailConfirmed: true,
        phone,
        actorId: null,
      });
      await db.update(users).set({ twoFactorWeb: true, primaryMethod: "sms" }).where(eq(users.id, solo.id));
      const { client: strict, secret } = await registerApp({ name: "Requires 2FA too", require2fa: true, skipConsent: true });
      const config = await rpConfig(strict.id, secret);
      const b = new Browser();
      await signInByPhoneCode(b, phone);
      const r = await authorize(b, config, { stopAt: "step_up" });
      expect(r.stoppedAt).toMatchObject({ kind: "step_up", bySecondStep: false });
      // The step that would only ask for another SMS code leads back to the page, not to /login/verify.
      const uid = r.callback.pathname.split("/").pop()!;
      const { response } = await b.request(`/oidc/interaction/${uid}/step-up`, { form: {} });
      expect(response.headers.get("location")).toBe(`/oidc/interaction/${uid}`);
      // "Sign in again": the Latchkey session ends and the sign-in page comes back to the app.
      const again = await b.request(`/oidc/interaction/${uid}/reauth`, { form: {} });
      expect(again.response.headers.get("location")).toBe(`/login?next=${encodeURIComponent(`/oidc/interaction/${uid}`)}`);
    } finally {
      await updateSettings("twoFactor", twoFactor, null);
    }
  });

  it("the Manager app's second step keeps the session's first factor in its name: a password and an app code are two", async () => {
    const twoFactor = await getSettings("twoFactor");
    await updateSettings("twoFactor", { ...twoFactor, enable2fa: true, requireFor: "individual" }, null);
    try {
      const admin = await createUser({ isAdmin: true });
      await db.update(users).set({ twoFactorManager: true, twoFactorWeb: false }).where(eq(users.id, admin.id));
      jar.set(sessionCookieName(), await createSession(admin.id, { method: "password" }));
      expect(await startManagerStepUp((await currentSession())!)).toBe(true);
      const { challenge } = (await currentChallenge())!;
      expect(challenge.firstFactor).toBe("password");
      expect(amrAcrFor(`${challenge.firstFactor}+totp`, true).acr).toBe(ACR_2FA);
    } finally {
      await updateSettings("twoFactor", twoFactor, null);
    }
  });

  it("two factors are two different ones: the same phone or inbox twice is one; an unrecorded first factor counts for nothing", () => {
    expect(amrAcrFor("sms_code", true)).toEqual({ amr: ["sms", "otp"], acr: ACR_1FA });
    expect(amrAcrFor("sms_code+sms", true)).toEqual({ amr: ["sms", "otp"], acr: ACR_1FA });
    expect(amrAcrFor("email_confirmation+email_enrolled", true)).toEqual({ amr: ["otp"], acr: ACR_1FA });
    expect(amrAcrFor("session+totp", true).acr).toBe(ACR_1FA);
    expect(amrAcrFor("sms_code+totp", true)).toEqual({ amr: ["sms", "otp", "mfa"], acr: ACR_2FA });
    expect(amrAcrFor("sms_code+trusted_device", true).acr).toBe(ACR_2FA);
    expect(amrAcrFor("email_confirmation+sms_enrolled", true).acr).toBe(ACR_2FA);
    expect(amrAcrFor("password+recovery", true).acr).toBe(ACR_2FA);
    // A security key alone is two only when it passed the second step (verified the user).
    expect(amrAcrFor("webauthn", true)).toEqual({ amr: ["hwk", "mfa"], acr: ACR_2FA });
    expect(amrAcrFor("webauthn", false)).toEqual({ amr: ["hwk"], acr: ACR_1FA });
    expect(amrAcrFor("password+totp", false).acr).toBe(ACR_1FA);
  });

  it("an app that requires two-step verification: prompt=none on a one-factor session is login_required", async () => {
    const { client: strict, secret } = await registerApp({ name: "Strict", require2fa: true, skipConsent: true });
    const b = new Browser();
    await signInToApp(b, await rpConfig(web.id, web.secret), { signIn: signedIn(b) });
    const none = await authorize(b, await rpConfig(strict.id, secret), { params: { prompt: "none" } });
    expect(none.callback.searchParams.get("error")).toBe("login_required");
    const r = await authorize(b, await rpConfig(strict.id, secret), { stopAt: "step_up" });
    expect(r.stoppedAt?.kind).toBe("step_up");
    // A session that passed two steps at sign-in goes straight through.
    const t = new Browser();
    const ok = await signInToApp(t, await rpConfig(strict.id, secret), { signIn: () => t.signIn(user.id, { method: "webauthn", secondFactor: true }) });
    expect(ok.tokens.claims()).toMatchObject({ acr: ACR_2FA, amr: ["hwk", "mfa"] });
  });
});

describe("sign-out (RP-initiated logout)", () => {
  async function confirmLogout(b: Browser, url: URL, stopAt: string, logout = true) {
    const page = await b.follow(await b.request(url), stopAt);
    const html = await page.response!.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const action = /action="([^"]+)"/.exec(html)![1]!;
    return b.follow(await b.request(action, { form: logout ? { xsrf, logout: "yes" } : { xsrf } }), stopAt);
  }

  it("with id_token_hint and a registered post-logout URI: back to the app, the provider and Latchkey sessions end", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const token = await b.signIn(user.id);
    const { tokens } = await signInToApp(b, config);
    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: RP_BYE, state: "s1" });
    const done = await confirmLogout(b, end, RP_BYE);
    expect(done.url.href).toBe(`${RP_BYE}?state=s1`);
    expect((await oauthError(client.fetchUserInfo(config, tokens.access_token, user.id))).status).toBe(401);
    const { sessionRow } = await import("../support/fixtures");
    expect((await sessionRow(token))!.revokedAt).not.toBeNull();
    const none = await authorize(b, config, { params: { prompt: "none" } });
    expect(none.callback.searchParams.get("error")).toBe("login_required");
  });

  it("with client_id; 'stay signed in' keeps the Latchkey session", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const token = await b.signIn(user.id);
    await signInToApp(b, config);
    const end = client.buildEndSessionUrl(config, { client_id: web.id, post_logout_redirect_uri: RP_BYE });
    const done = await confirmLogout(b, end, RP_BYE, false);
    expect(done.url.href).toBe(RP_BYE);
    const { sessionRow } = await import("../support/fixtures");
    expect((await sessionRow(token))!.revokedAt).toBeNull();
  });

  it("with no sign-in to any app on this browser: a Latchkey page with a button, no script, back to the app; the Latchkey session stays", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const token = await b.signIn(user.id);
    const end = client.buildEndSessionUrl(config, { client_id: web.id, post_logout_redirect_uri: RP_BYE, state: "s2" });
    const { response } = await b.request(end);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("Submitting Callback");
    const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html)!;
    expect(form[1]).toBe(`${ISSUER()}/oidc/session/end/confirm`);
    expect(form[2]).toMatch(/<button class="primary" type="submit"[^>]*>Continue<\/button>/);
    const fields = Object.fromEntries([...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(fields)).toEqual(["xsrf"]);
    const done = await b.follow(await b.request(form[1]!, { form: fields }), RP_BYE);
    expect(done.url.href).toBe(`${RP_BYE}?state=s2`);
    const { sessionRow } = await import("../support/fixtures");
    expect((await sessionRow(token))!.revokedAt).toBeNull();
  });

  it("an unregistered post_logout_redirect_uri is an error page, no redirect", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { signIn: signedIn(b) });
    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: "https://evil.example/" });
    const { response } = await b.request(end);
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });
});

describe("another account signed in to Latchkey than the app's last sign-in", () => {
  it("a Latchkey page switches the app's sign-in to the new account, without script, and the Latchkey session stays", async () => {
    const { client: c, secret } = await registerApp({ name: "Switch <app>", skipConsent: true });
    const config = await rpConfig(c.id, secret);
    const other = await createUser({ name: "Grace Hopper" });
    const b = new Browser();
    const first = await signInToApp(b, config, { signIn: signedIn(b) });
    expect(first.tokens.claims()!.sub).toBe(user.id);

    // The person signs in to Latchkey as another account and comes back to the app.
    const token = await b.signIn(other.id);
    const r = await authorize(b, config);
    expect(r.steps).toEqual(["continue"]);
    const page = r.page!;
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("Submitting Callback");
    expect(html).toContain('<link rel="stylesheet" href="/oidc.css">');
    expect(html).toContain("Switch &#60;app&#62;");
    expect(html).toMatch(/another account/);
    const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html)!;
    expect(form[1]).toBe(`${ISSUER()}/oidc/session/end/confirm`);
    expect(form[2]).toMatch(/<button class="primary" type="submit"[^>]*>Continue<\/button>/);
    expect(form[2]).not.toContain("noscript");
    const fields = Object.fromEntries([...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
    expect(fields).toMatchObject({ xsrf: expect.any(String), logout: "yes" });

    // Continue: the provider's session of the first account ends, the Latchkey session does not.
    const confirm = await b.request(form[1]!, { form: fields });
    expect(confirm.response.status).toBe(200);
    expect(confirm.response.headers.getSetCookie().some((c) => c.startsWith(`${sessionCookieName()}=`))).toBe(false);
    const done = await b.follow(confirm, RP);
    expect(done.response).toBeNull();
    const tokens = await client.authorizationCodeGrant(config, done.url, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce });
    expect(tokens.claims()!.sub).toBe(other.id);
    expect((await sessionRow(token))!.revokedAt).toBeNull();
    expect(b.cookies.some((c) => c.name === sessionCookieName() && c.value === token)).toBe(true);
    // The first account's sign-in to the app on this browser ended with it.
    expect((await oauthError(client.fetchUserInfo(config, first.tokens.access_token, user.id))).status).toBe(401);
    // The app now signs in silently as the new account.
    const silent = await signInToApp(b, config, { params: { prompt: "none" } });
    expect(silent.tokens.claims()!.sub).toBe(other.id);
  });

  it("the switch form alone does not keep the Latchkey session on an app's sign-out", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const token = await b.signIn(user.id);
    await signInToApp(b, config);
    const end = client.buildEndSessionUrl(config, { client_id: web.id, post_logout_redirect_uri: RP_BYE });
    const page = await b.follow(await b.request(end), RP_BYE);
    const html = await page.response!.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const done = await b.follow(await b.request("/oidc/session/end/confirm", { form: { xsrf, logout: "yes", switch_account: "yes" } }), RP_BYE);
    expect(done.url.href).toBe(RP_BYE);
    expect((await sessionRow(token))!.revokedAt).not.toBeNull();
  });
});

describe("apps disabled, accounts refused", () => {
  it("a disabled app: its tokens end, an error page at the authorization endpoint, invalid_client at the token endpoint", async () => {
    const { setClientDisabled } = await import("@/lib/oidc/clients");
    const { client: c, secret } = await registerApp({ name: "Goes away" });
    const config = await rpConfig(c.id, secret);
    const b = new Browser();
    const r = await authorize(b, config, { signIn: signedIn(b) });
    await setClientDisabled(c.id, true, null);
    const e = await oauthError(
      client.authorizationCodeGrant(config, r.callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce }),
    );
    expect(e.error).toBe("invalid_client");
    const again = await authorize(new Browser(), config);
    expect(again.page?.status).toBe(400);
    expect(await again.page!.text()).toMatch(/not registered with Latchkey, or it has been turned off/);
    expect(await db.select().from(oidcPayloads).where(eq(oidcPayloads.clientId, c.id))).toHaveLength(0);
  });

  it("a pending account may not sign in to apps when the admin says so: the app gets access_denied", async () => {
    const { updateSettings, defaultSettings } = await import("@/lib/settings");
    const { users } = await import("@/db/schema");
    const pending = await createUser({ name: "Pending" });
    await db.update(users).set({ status: "pending" }).where(eq(users.id, pending.id));
    await updateSettings("pendingPermissions", { ...defaultSettings("pendingPermissions"), use_apps: false }, null);
    try {
      const b = new Browser();
      const r = await authorize(b, await rpConfig(web.id, web.secret), { signIn: () => b.signIn(pending.id), stopAt: "pending" });
      expect(r.stoppedAt?.kind).toBe("pending");
      const uid = r.callback.pathname.split("/").pop()!;
      const done = await b.follow(await b.request(`/oidc/interaction/${uid}/cancel`, { form: {} }), RP);
      expect(done.url.searchParams.get("error")).toBe("access_denied");
      // Continuing anyway is refused: back to the page.
      const { response } = await b.request(`/oidc/interaction/${uid}/login`, { form: {} });
      expect(response.status).toBe(303);
    } finally {
      await updateSettings("pendingPermissions", defaultSettings("pendingPermissions"), null);
    }
  });
});

describe("storage", () => {
  it("no code, token or secret is stored in clear", async () => {
    const config = await rpConfig(web.id, web.secret);
    const b = new Browser();
    const { tokens, callback } = await signInToApp(b, config, { params: { scope: "openid offline_access", prompt: "consent" }, signIn: signedIn(b) });
    const rows = (await db.execute(sql`select id, payload::text as p from oidc_payloads`)) as unknown;
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ id: string; p: string }>;
    for (const v of [tokens.access_token, tokens.refresh_token!, callback.searchParams.get("code")!]) {
      expect(list.some((r) => r.id === v || r.p.includes(v))).toBe(false);
    }
    const [row] = await db.select({ secretHash: oidcClients.secretHash }).from(oidcClients).where(eq(oidcClients.id, web.id));
    expect(row!.secretHash).toMatch(/^hmac256\$/);
    expect(row!.secretHash).not.toContain(web.secret);
  });
});
