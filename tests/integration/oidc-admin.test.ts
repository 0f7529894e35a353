// The OpenID Provider's admin side and operations: app registration rules, secrets shown once and
// rotated, audit entries, signing-key rotation, connected apps, the daily clean-up, rate limits, and
// errors answered as the specs define them — never a 500.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as client from "openid-client";
import { decodeProtectedHeader } from "jose";
import { eq, sql } from "drizzle-orm";
import { db, dbHandle } from "@/lib/db";
import { auditLog, oidcPayloads, oidcSigningKeys } from "@/db/schema";
import { createClient, getClient, rotateClientSecret, setClientDisabled, updateClient } from "@/lib/oidc/clients";
import { endAppSessions, listConnectedApps, oidcHousekeeping, revokeConnectedApp } from "@/lib/oidc/grants";
import { keyHousekeeping, listKeys, promoteNext, stageRotation } from "@/lib/oidc/keys";
import { resetProvider } from "@/lib/oidc/provider";
import { LIMITS } from "@/lib/limits/catalogue";
import { hit } from "@/lib/limits/store";
import { ErrorCodes } from "@/lib/shared/errors";
import { sessionCookieName } from "@/lib/auth/cookie";
import { createSession } from "@/lib/auth/sessions";
import ClientPage from "@/app/admin/clients/[id]/page";
import { createUser } from "../support/fixtures";
import { jar } from "../support/cookie-jar";
import { rejection } from "../support/rejection";
import { authorize, Browser, dispatch, ISSUER, oauthError, registerApp, RP, rpConfig, signInToApp } from "../support/oidc";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

beforeEach(() => jar.clear());

let user: Awaited<ReturnType<typeof createUser>>;
beforeAll(async () => {
  user = await createUser({ name: "Grace Hopper" });
});

const base = { name: "App", type: "confidential", redirectUris: RP, postLogoutRedirectUris: "", allowedScopes: ["openid", "email"] };

describe("registering apps", () => {
  it("refuses what cannot be registered, with a message for the field", async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ name: "" }, "name", /Name the app/],
      [{ redirectUris: "" }, "redirectUris", /at least one redirect URI/],
      [{ redirectUris: "not a url" }, "redirectUris", /not an absolute URL/],
      [{ redirectUris: "http://rp.example/cb" }, "redirectUris", /https:\/\//],
      [{ redirectUris: "https://rp.example/cb#frag" }, "redirectUris", /fragment/],
      [{ redirectUris: "https://user:pw@rp.example/cb" }, "redirectUris", /user name or password/],
      [{ redirectUris: "com.example.app:/cb" }, "redirectUris", /https:\/\//],
      [{ postLogoutRedirectUris: "javascript:alert(1)" }, "postLogoutRedirectUris", /must use https/],
      [{ allowedScopes: ["email"] }, "allowedScopes", /openid scope/],
      [{ allowedScopes: ["openid", "admin"] }, "allowedScopes", /Choose scopes from the list/],
      [{ type: "other" }, "type", /Choose the kind of app/],
    ];
    for (const [patch, field, message] of cases) {
      const err = await rejection(createClient({ ...base, ...patch }, null));
      expect(err.code, JSON.stringify(patch)).toBe(ErrorCodes.INVALID_INPUT);
      expect(err.field, JSON.stringify(patch)).toBe(field);
      expect(err.message).toMatch(message);
    }
  });

  it("accepts https, http on localhost, and a mobile app's own scheme for a public app", async () => {
    const { client: c, secret } = await createClient(
      { ...base, redirectUris: "https://rp.example/cb\nhttp://localhost:3000/cb\nhttp://127.0.0.1:8080/cb\nhttp://app.localhost:3001/cb" },
      null,
    );
    expect(secret).toMatch(/^lks_/);
    expect(c.redirectUris).toHaveLength(4);
    const mobile = await createClient({ ...base, type: "public", redirectUris: "com.example.app:/oauth/callback" }, null);
    expect(mobile.secret).toBeNull();
    expect(mobile.client.secretHash).toBeNull();
  });

  it("the secret is shown once, stored as an HMAC, rotated (the old one stops working); every change is audited", async () => {
    const admin = await createUser({ name: "Admin", isAdmin: true });
    const { client: c, secret } = await createClient({ ...base, name: "Audited" }, admin.id);
    const b = new Browser();
    await signInToApp(b, await rpConfig(c.id, secret), { params: { scope: "openid email" }, signIn: () => b.signIn(user.id) });
    const fresh = await rotateClientSecret(c.id, admin.id);
    expect(fresh).not.toBe(secret);
    const r = await authorize(b, await rpConfig(c.id, fresh), { params: { scope: "openid email" } });
    const old = await oauthError(
      client.authorizationCodeGrant(await rpConfig(c.id, secret), r.callback, { pkceCodeVerifier: r.verifier, expectedState: r.state, expectedNonce: r.nonce }),
    );
    expect(old.error).toBe("invalid_client");
    await client.authorizationCodeGrant(await rpConfig(c.id, fresh), r.callback, {
      pkceCodeVerifier: r.verifier,
      expectedState: r.state,
      expectedNonce: r.nonce,
    });
    await updateClient(c.id, { ...base, name: "Audited 2", allowedScopes: ["openid", "email", "profile"] }, admin.id);
    await setClientDisabled(c.id, true, admin.id);
    await setClientDisabled(c.id, false, admin.id);
    const entries = await db.select().from(auditLog).where(eq(auditLog.actorId, admin.id));
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(["oidc.client_created", "oidc.client_secret_rotated", "oidc.client_updated", "oidc.client_disabled", "oidc.client_enabled"]),
    );
    const all = JSON.stringify(entries.map((e) => e.detail));
    expect(all).not.toContain(secret!);
    expect(all).not.toContain(fresh);
    expect((await getClient(c.id))!.name).toBe("Audited 2");
  });

  it("taking a scope away ends the grants that hold it", async () => {
    const { client: c, secret } = await createClient({ ...base, name: "Shrinks", allowedScopes: ["openid", "email", "offline_access"] }, null);
    const config = await rpConfig(c.id, secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { params: { scope: "openid email offline_access", prompt: "consent" }, signIn: () => b.signIn(user.id) });
    await updateClient(c.id, { ...base, name: "Shrinks", allowedScopes: ["openid", "email"] }, null);
    expect((await oauthError(client.fetchUserInfo(config, tokens.access_token, user.id))).status).toBe(401);
    expect((await oauthError(client.refreshTokenGrant(config, tokens.refresh_token!))).error).toBeTruthy();
    expect(await db.select().from(oidcPayloads).where(eq(oidcPayloads.clientId, c.id))).toHaveLength(0);
  });
});

describe("signing keys", () => {
  it("a published key does not sign until activated; the retired key stays published and still verifies an id_token_hint", async () => {
    const { client: c, secret } = await registerApp({ name: "Rotation", skipConsent: true });
    const config = await rpConfig(c.id, secret);
    const b = new Browser();
    const before = await signInToApp(b, config, { signIn: () => b.signIn(user.id) });
    const oldKid = decodeProtectedHeader(before.tokens.id_token!).kid!;
    const newKid = await stageRotation("RS256", null);
    resetProvider();
    const jwks = async () => ((await (await b.request("/oidc/jwks")).response.json()) as { keys: Array<{ kid: string; d?: string }> }).keys;
    expect((await jwks()).map((k) => k.kid)).toContain(newKid);
    const mid = await signInToApp(b, config, {});
    expect(decodeProtectedHeader(mid.tokens.id_token!).kid).toBe(oldKid);
    await promoteNext("RS256", null);
    resetProvider();
    const after = await signInToApp(b, config, {});
    expect(decodeProtectedHeader(after.tokens.id_token!).kid).toBe(newKid);
    const keys = await jwks();
    expect(keys.map((k) => k.kid)).toContain(oldKid);
    expect(keys.every((k) => !k.d)).toBe(true);
    const states = Object.fromEntries((await listKeys()).map((k) => [k.kid, k.state]));
    expect(states[oldKid]).toBe("retired");
    const end = client.buildEndSessionUrl(config, { id_token_hint: before.tokens.id_token! });
    expect((await b.request(end)).response.status).toBe(200);
    // Private keys are sealed at rest.
    const [row] = await db.select({ privateJwk: oidcSigningKeys.privateJwk }).from(oidcSigningKeys).where(eq(oidcSigningKeys.kid, newKid));
    expect(row!.privateJwk).toMatch(/^v1\./);
    const audits = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(sql`${auditLog.action} like 'oidc.key_%'`);
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(["oidc.key_published", "oidc.key_activated"]));
  });

  it("the daily job activates a key published a day ago and drops retired keys past their time", async () => {
    await stageRotation("ES256", null);
    await db
      .update(oidcSigningKeys)
      .set({ createdAt: new Date(Date.now() - 25 * 3600_000) })
      .where(eq(oidcSigningKeys.state, "next"));
    const run = await oidcHousekeeping();
    expect(run.activated).toBe(1);
    await db
      .update(oidcSigningKeys)
      .set({ deleteAfter: new Date(Date.now() - 1000) })
      .where(eq(oidcSigningKeys.state, "retired"));
    expect((await oidcHousekeeping()).dropped).toBeGreaterThanOrEqual(1);
    expect(
      (await listKeys())
        .filter((k) => k.state === "current")
        .map((k) => k.alg)
        .sort(),
    ).toEqual(["ES256", "RS256"]);
  });
});

describe("signing keys: the daily job", () => {
  it("a key that fails to activate is logged and not counted; the next run activates it", async () => {
    const kid = await stageRotation("RS256", null);
    await db
      .update(oidcSigningKeys)
      .set({ createdAt: new Date(Date.now() - 25 * 3600_000) })
      .where(eq(oidcSigningKeys.kid, kid));
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = vi.spyOn(dbHandle().db, "transaction").mockRejectedValueOnce(new Error("connection reset"));
    try {
      expect(await keyHousekeeping()).toMatchObject({ activated: 0 });
      expect(errors).toHaveBeenCalledWith(expect.stringContaining("RS256"), expect.objectContaining({ message: "connection reset" }));
    } finally {
      failing.mockRestore();
      errors.mockRestore();
    }
    expect((await listKeys()).find((k) => k.kid === kid)?.state).toBe("next");
    expect(await keyHousekeeping()).toMatchObject({ activated: 1 });
    expect((await listKeys()).find((k) => k.kid === kid)?.state).toBe("current");
  });
});

describe("connected apps", () => {
  it("lists the apps a person allowed with their scopes, and removing one ends its tokens", async () => {
    const person = await createUser({ name: "Connected" });
    const { client: c, secret } = await registerApp({ name: "Photo app" });
    const config = await rpConfig(c.id, secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { params: { scope: "openid email offline_access", prompt: "consent" }, signIn: () => b.signIn(person.id) });
    const apps = await listConnectedApps(person.id);
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ clientId: c.id, name: "Photo app" });
    expect(apps[0]!.scopes).toEqual(["openid", "email", "offline_access"]);
    await revokeConnectedApp(person.id, c.id);
    expect(await listConnectedApps(person.id)).toEqual([]);
    expect((await oauthError(client.refreshTokenGrant(config, tokens.refresh_token!))).error).toBe("invalid_grant");
    expect((await oauthError(client.fetchUserInfo(config, tokens.access_token, person.id))).status).toBe(401);
    expect((await rejection(revokeConnectedApp(person.id, c.id))).code).toBe(ErrorCodes.NOT_FOUND);
    // The app asks for consent again next time.
    const again = await authorize(b, config, { stopAt: "consent" });
    expect(again.stoppedAt?.kind).toBe("consent");
  });

  it("signing out of every app (password reset, blocked account) ends the tokens but keeps what was allowed", async () => {
    const person = await createUser({ name: "Reset" });
    const { client: c, secret } = await registerApp({ name: "Notes app" });
    const config = await rpConfig(c.id, secret);
    const b = new Browser();
    const { tokens } = await signInToApp(b, config, { params: { scope: "openid email offline_access", prompt: "consent" }, signIn: () => b.signIn(person.id) });
    expect(await endAppSessions(person.id)).toBeGreaterThan(0);
    expect((await oauthError(client.refreshTokenGrant(config, tokens.refresh_token!))).error).toBe("invalid_grant");
    expect((await oauthError(client.fetchUserInfo(config, tokens.access_token, person.id))).status).toBe(401);
    expect((await listConnectedApps(person.id)).map((a) => a.name)).toEqual(["Notes app"]);
  });

  it("the daily job deletes expired rows", async () => {
    await db
      .update(oidcPayloads)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(oidcPayloads.model, "Interaction"));
    const run = await oidcHousekeeping();
    expect(run.expiredRows).toBeGreaterThan(0);
    expect(await db.select().from(oidcPayloads).where(eq(oidcPayloads.model, "Interaction"))).toHaveLength(0);
  });
});

describe("the sign-in page names the app", () => {
  it("for an interaction in progress, and for nothing else", async () => {
    const { appNameForReturnPath } = await import("@/lib/oidc/interaction");
    const { client: c, secret } = await registerApp({ name: "Calendar" });
    const r = await authorize(new Browser(), await rpConfig(c.id, secret), { stopAt: "sign_in" });
    expect(await appNameForReturnPath(r.callback.pathname)).toBe("Calendar");
    for (const next of ["/dashboard", "/oidc/interaction/unknown", "/oidc/interaction/../admin", `${r.callback.pathname}/login`]) {
      expect(await appNameForReturnPath(next), next).toBeNull();
    }
  });
});

describe("errors as the specs define them, never a 500", () => {
  let app: { id: string; secret: string };
  beforeAll(async () => {
    const { client: c, secret } = await registerApp({ name: "Errors" });
    app = { id: c.id, secret: secret! };
  });

  it("authorization errors go back to the app when its redirect URI is trusted", async () => {
    const config = await rpConfig(app.id, app.secret);
    const cases: Array<[Record<string, string>, string]> = [
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ request: "eyJhbGciOiJub25lIn0.e30." }, "request_not_supported"],
      [{ request_uri: "https://rp.example/request.jwt" }, "request_uri_not_supported"],
      [{ registration: "{}" }, "registration_not_supported"],
      [{ code_challenge_method: "plain" }, "invalid_request"],
      [{ prompt: "none login" }, "invalid_request"],
      [{ scope: "email" }, "invalid_request"],
      [{ prompt: "none" }, "login_required"],
      // Not offered (its self-submitting page cannot run under the site's CSP): refused in the query.
      [{ response_mode: "form_post" }, "unsupported_response_mode"],
    ];
    for (const [params, error] of cases) {
      const r = await authorize(new Browser(), config, { params });
      expect(r.callback.origin, JSON.stringify(params)).toBe("https://rp.example");
      // A response type the app cannot have registered answers in the fragment, its default response mode.
      const answer = r.callback.search ? r.callback.searchParams : new URLSearchParams(r.callback.hash.slice(1));
      expect(answer.get("error"), JSON.stringify(params)).toBe(error);
      expect(answer.get("iss")).toBe(ISSUER());
    }
  });

  it("an unknown app or a missing redirect_uri: a Latchkey page (400), never a redirect", async () => {
    const b = new Browser();
    for (const query of [
      `client_id=nope&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(RP)}`,
      `client_id=${app.id}&response_type=code&scope=openid`,
      `response_type=code&scope=openid`,
      `client_id=${app.id}&client_id=${app.id}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(RP)}`,
    ]) {
      const { response } = await b.request(`/oidc/auth?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(response.headers.get("content-type")).toMatch(/text\/html/);
    }
  });

  it("the token endpoint answers malformed requests with 400/401 JSON", async () => {
    const basic = `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString("base64")}`;
    for (const body of [
      "",
      "grant_type=nope",
      "%%%",
      "grant_type=authorization_code&code=x&code=y",
      "grant_type=authorization_code&code=unknown&redirect_uri=x&code_verifier=y",
      "grant_type=client_credentials",
    ]) {
      const res = await dispatch(
        new Request(`${ISSUER()}/oidc/token`, { method: "POST", headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" }, body }),
      );
      expect([400, 401], body).toContain(res.status);
      expect(((await res.json()) as { error: string }).error).toBeTruthy();
    }
    const json = await dispatch(new Request(`${ISSUER()}/oidc/token`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" }));
    expect(json.status).toBeLessThan(500);
    const huge = await dispatch(
      new Request(`${ISSUER()}/oidc/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=".padEnd(70_000, "b"),
      }),
    );
    expect(huge.status).toBe(413);
    const unknown = await dispatch(new Request(`${ISSUER()}/oidc/nope`));
    expect(unknown.status).toBe(404);
    const me = await dispatch(new Request(`${ISSUER()}/oidc/me`, { headers: { authorization: "Bearer nope" } }));
    expect(me.status).toBe(401);
    expect(me.headers.get("www-authenticate")).toMatch(/invalid_token/);
  });

  it("a client id with control characters (a NUL byte) names no app: not found, invalid_client, never a 503", async () => {
    for (const id of ["\u0000", `${app.id}\u0000`, "%", "app_\u0007"]) {
      expect(await getClient(id), JSON.stringify(id)).toBeNull();
      expect(await rejection(rotateClientSecret(id, null))).toMatchObject({ code: ErrorCodes.NOT_FOUND });
    }
    // The Manager app's page of an app (Next hands it the decoded segment): not found.
    const admin = await createUser({ isAdmin: true });
    jar.set(sessionCookieName(), await createSession(admin.id, { secondFactor: true }));
    expect(await ClientPage({ params: Promise.resolve({ id: app.id }) })).toBeTruthy();
    for (const id of ["\u0000", "%", "%25"]) {
      const digest = await ClientPage({ params: Promise.resolve({ id }) }).then(
        () => "rendered",
        (err: { digest?: string }) => err.digest,
      );
      expect(digest, JSON.stringify(id)).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
    }
    // The authorization endpoint: a Latchkey page (400), never a redirect.
    const b = new Browser();
    for (const id of ["%00", `${app.id}%00`]) {
      const { response } = await b.request(`/oidc/auth?client_id=${id}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(RP)}`);
      expect(response.status, id).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toMatch(/invalid_client|not registered with Latchkey/);
    }
    // The token endpoint, in JSON: oidc-provider refuses such a Basic header as invalid_request; an
    // id in the form names no app (invalid_client).
    const token = (headers: Record<string, string>, body: string) =>
      dispatch(new Request(`${ISSUER()}/oidc/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body }));
    const refresh = "grant_type=refresh_token&refresh_token=x";
    for (const [res, status, error] of [
      [await token({ authorization: `Basic ${Buffer.from(`${app.id}\u0000:${app.secret}`).toString("base64")}` }, refresh), 400, "invalid_request"],
      [await token({ authorization: `Basic ${Buffer.from(`%00:${app.secret}`).toString("base64")}` }, refresh), 400, "invalid_request"],
      [await token({}, `${refresh}&client_id=%00`), 401, "invalid_client"],
    ] as const) {
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ error });
    }
  });

  it("an interaction page without its cookie (or another interaction's) loads itself once more; with a cookie for another uid it has expired", async () => {
    const res = await dispatch(new Request(`${ISSUER()}/oidc/interaction/abc`));
    expect(((await res.json()) as { kind: string }).kind).toBe("reload");
    const b = new Browser();
    const r = await authorize(b, await rpConfig(app.id, app.secret), { stopAt: "sign_in" });
    expect(r.stoppedAt?.kind).toBe("sign_in");
    const { response } = await b.request("/oidc/interaction/another-uid");
    expect(((await response.json()) as { kind: string }).kind).toBe("reload");
    // The interaction cookie of one request presented for another uid (oidc-provider does not compare them).
    const cookie = b.cookies
      .filter((c) => c.name.startsWith("lk_op_interaction"))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
    const other = await dispatch(new Request(`${ISSUER()}/oidc/interaction/another-uid`, { headers: { cookie } }));
    expect(((await other.json()) as { kind: string }).kind).toBe("expired");
    const post = await b.request("/oidc/interaction/another-uid/login", { form: {} });
    expect(post.response.status).toBe(303);
  });
});

describe("rate limits (kept in the shared store)", () => {
  it("the token endpoint answers 429 temporarily_unavailable with Retry-After once an app's limit is reached", async () => {
    const { client: c, secret } = await registerApp({ name: "Busy" });
    for (let i = 0; i < LIMITS.oidcTokenPerClient(c.id).max; i++) await hit(LIMITS.oidcTokenPerClient(c.id));
    const config = await rpConfig(c.id, secret);
    const e = await oauthError(client.refreshTokenGrant(config, "whatever"));
    expect(e.status).toBe(429);
    const res = await dispatch(
      new Request(`${ISSUER()}/oidc/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `grant_type=refresh_token&refresh_token=x&client_id=${c.id}`,
      }),
    );
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: "temporarily_unavailable" });
  });

  it("the authorization endpoint answers 429 with a page (never a redirect) once an app's limit is reached", async () => {
    const { client: c, secret } = await registerApp({ name: "Busy auth" });
    for (let i = 0; i < LIMITS.oidcAuthorizePerClient(c.id).max; i++) await hit(LIMITS.oidcAuthorizePerClient(c.id));
    const r = await authorize(new Browser(), await rpConfig(c.id, secret));
    expect(r.page?.status).toBe(429);
    expect(r.page?.headers.get("retry-after")).toBeTruthy();
    expect(r.page?.headers.get("location")).toBeNull();
  });
});
