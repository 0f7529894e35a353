// OAuth at the HTTP level, against the production server: no Referer carries an app's sign-in request
// or its code out of Latchkey, the sign-in steps keep their Origin check while the endpoints apps call
// from their servers are reachable, and redirect_uri open redirects on the real server.
import { createServer, type Server } from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { BASE_URL, signOut, signUpAndConfirm } from "../e2e/helpers";
import { enterPassword, registerApp, type RegisteredApp } from "../e2e/oidc-helpers";
import { expectPageAccessible } from "../e2e/axe";
import { EVIL } from "./http";

const RP_PORT = Number(process.env.E2E_RP_FAKE_PORT || 3212);
const RP = `http://127.0.0.1:${RP_PORT}`;
const CALLBACK = `${RP}/callback`;
type Seen = { path: string; referer: string | undefined };
let seen: Seen[] = [];
let server: Server;
let app: RegisteredApp;

test.beforeAll(async ({ browser }) => {
  // A stand-in for an app's server: it records what each request to it carried.
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? "", referer: req.headers.referer });
    res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>app</title><p>callback</p>");
  });
  await new Promise<void>((resolve) => server.listen(RP_PORT, "127.0.0.1", resolve));
  app = await registerApp(browser, { name: "Referer probe", redirectUri: CALLBACK });
});

test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function authorizeUrl(params: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL("/oidc/auth", BASE_URL);
  const q = {
    client_id: app.clientId,
    response_type: "code",
    scope: "openid email",
    redirect_uri: CALLBACK,
    state: randomBytes(8).toString("hex"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...params,
  };
  for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
  return url;
}

test("no Referer leaves Latchkey with the sign-in request or the code; /oidc answers say Referrer-Policy: same-origin", async ({ page, request }) => {
  const user = await signUpAndConfirm(page, "referer");
  await signOut(page);
  const res = await request.get(authorizeUrl().href, { maxRedirects: 0 });
  expect(res.headers()["referrer-policy"]).toBe("same-origin");
  seen = [];
  await page.goto(authorizeUrl({ login_hint: user.email }).href);
  await expect(page).toHaveURL(/\/login\?next=/);
  await enterPassword(page, user.email, user.password);
  await expect(page.getByRole("heading", { name: "Referer probe wants to use your Latchkey account" })).toBeVisible();
  const consent = await request.get(page.url(), { maxRedirects: 0 });
  expect(consent.headers()["referrer-policy"]).toBe("same-origin");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
  const callback = seen.find((s) => s.path.startsWith("/callback"));
  expect(callback, "the app received the callback").toBeTruthy();
  expect(callback!.referer, "no Referer on the way back to the app").toBeUndefined();
});

test("the sign-in steps refuse a foreign Origin; the endpoints apps call from their servers are reachable", async ({ request }) => {
  for (const path of ["/oidc/interaction/abc/login", "/oidc/interaction/abc/consent", "/oidc/interaction/abc/reauth", "/oidc/session/end/confirm"]) {
    const res = await request.post(path, {
      headers: { origin: EVIL, "content-type": "application/x-www-form-urlencoded" },
      data: "decision=allow&logout=yes",
      maxRedirects: 0,
    });
    expect(res.status(), path).toBe(403);
  }
  const basic = `Basic ${Buffer.from(`${app.clientId}:wrong-secret`).toString("base64")}`;
  const token = await request.post("/oidc/token", {
    headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
    data: "grant_type=authorization_code&code=x&code_verifier=y",
  });
  expect(token.status()).toBe(401);
  expect((await token.json()).error).toBe("invalid_client");
  const revoke = await request.post("/oidc/token/revocation", {
    headers: { origin: EVIL, "content-type": "application/x-www-form-urlencoded" },
    data: "token=x",
  });
  expect(revoke.status()).toBeLessThan(500);
  expect(revoke.status()).not.toBe(403);
  const me = await request.post("/oidc/me", { headers: { authorization: "Bearer nope" } });
  expect(me.status()).toBe(401);
});

test("redirect_uri open redirects on the real server: a page, never a Location (and the page passes axe)", async ({ request, page }) => {
  for (const uri of [
    `${EVIL}/callback`,
    `${CALLBACK}.evil.example`,
    `${CALLBACK}/../evil`,
    `${RP}@evil.example/callback`,
    `${CALLBACK}?x=1`,
    "javascript:alert(1)",
  ]) {
    const res = await request.get(authorizeUrl({ redirect_uri: uri }).href, { maxRedirects: 0 });
    expect(res.status(), uri).toBe(400);
    expect(res.headers()["location"], uri).toBeUndefined();
    expect(res.headers()["content-type"], uri).toMatch(/text\/html/);
  }
  await page.goto(authorizeUrl({ redirect_uri: `${EVIL}/callback` }).href);
  await expect(page.getByRole("heading", { name: "This sign-in link cannot be used" })).toBeVisible();
  await expect(page).toHaveURL(/\/oidc\/auth\?/);
  await expectPageAccessible(page, "the provider's error page");
});
