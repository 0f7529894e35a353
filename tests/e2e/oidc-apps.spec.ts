// The Manager app's Apps pages (register with errors next to the fields, the secret shown once,
// edit, rotate, disable), signing-key rotation, the audit trail, Connected apps on the security page,
// and the sign-in steps an app can ask for — two-step verification, a fresh sign-in — through the
// real pages; each page checked with axe and at a 360 px phone width. The apps' callbacks are
// answered by a stand-in (page.route); the tests redeem the codes themselves.
import { createHash, randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { decodeJwt } from "jose";
import { expectPageAccessible } from "./axe";
import { adminContext, BASE_URL, fillLogin, signUpAndConfirm } from "./helpers";
import { enterPassword, registerApp } from "./oidc-helpers";
import { enableTwoFactorIndividually, enrolTotp, freshTotp } from "./two-factor-helpers";

const RP = "https://notes.example";

/** An authorization request of an app, with its PKCE verifier. */
function authorization(clientId: string, redirectUri: string, params: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL("/oidc/auth", BASE_URL);
  const q = {
    client_id: clientId,
    response_type: "code",
    scope: "openid email",
    redirect_uri: redirectUri,
    state: randomBytes(6).toString("hex"),
    nonce: randomBytes(6).toString("hex"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...params,
  };
  for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
  return { url: url.href, verifier };
}

/** The app's server: the code from its callback URL exchanged for tokens; the ID token's claims. */
async function redeem(page: Page, callback: string, app: { clientId: string; clientSecret: string }, redirectUri: string, verifier: string) {
  const code = new URL(callback).searchParams.get("code");
  expect(code, `a code in ${callback}`).toBeTruthy();
  const res = await page.request.post("/oidc/token", {
    headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString("base64")}` },
    form: { grant_type: "authorization_code", code: code!, redirect_uri: redirectUri, code_verifier: verifier },
  });
  expect(res.status()).toBe(200);
  return decodeJwt(((await res.json()) as { id_token: string }).id_token);
}

/** axe, then the page at a phone's width: nothing wider than the screen. */
async function checkPage(page: Page, what: string) {
  await expectPageAccessible(page, what);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${what} at 360 px`).toBeLessThanOrEqual(360);
  if (size) await page.setViewportSize(size);
}

test("register an app (errors beside the fields, the secret once), edit it, rotate its secret, disable it; every change in the audit log", async ({
  browser,
}) => {
  const admin = await adminContext(browser);
  const page = await admin.newPage();
  await page.goto("/admin/clients");
  await expect(page.getByRole("heading", { name: "Apps" })).toBeVisible();
  await checkPage(page, "/admin/clients");
  await page.getByRole("link", { name: "New app" }).click();
  await checkPage(page, "/admin/clients/new");

  await page.getByLabel("Name").fill("Notes");
  await page.getByLabel("Redirect URIs", { exact: true }).fill("http://notes.example/callback");
  await page.getByLabel("openid", { exact: true }).uncheck();
  await page.getByRole("button", { name: "Create app" }).click();
  await expect(page.getByText("2 fields need attention.")).toBeVisible();
  const redirect = page.getByLabel("Redirect URIs", { exact: true });
  await expect(redirect).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(/Redirect URI "http:\/\/notes\.example\/callback" must use https:\/\//)).toBeVisible();
  await expect(page.getByText("The openid scope is needed to sign in.")).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("Notes");
  await checkPage(page, "the new-app form with errors");

  await redirect.fill(`${RP}/callback`);
  await page.getByLabel("openid", { exact: true }).check();
  await page.getByLabel("Require two-step verification").check();
  await page.getByRole("button", { name: "Create app" }).click();
  await expect(page.getByText('"Notes" is registered.')).toBeVisible();
  const clientId = await page.getByLabel("Client ID").inputValue();
  const secret = await page.getByLabel("Client secret").inputValue();
  expect(secret).toMatch(/^lks_[A-Za-z0-9_-]{43}$/);

  await page.getByRole("link", { name: "Open the app's page" }).click();
  await expect(page.getByRole("heading", { name: "Notes" })).toBeVisible();
  await expect(page.getByTestId("client-id")).toHaveText(clientId);
  // Shown once: the app's page never shows it again.
  expect(await page.content()).not.toContain(secret);
  await expect(page.getByLabel("Require two-step verification")).toBeChecked();
  await checkPage(page, "the app's page");

  await page.getByLabel("Name").fill("Notes (team)");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Changes saved.")).toBeVisible();

  await page.getByRole("button", { name: "Rotate secret" }).click();
  await expect(page.getByText(/New secret made; the old one no longer works/)).toBeVisible();
  const rotated = await page.getByLabel("New client secret").inputValue();
  expect(rotated).toMatch(/^lks_/);
  expect(rotated).not.toBe(secret);

  await page.getByRole("button", { name: "Disable app" }).click();
  await expect(page.getByText("App disabled: its sign-ins and tokens ended.")).toBeVisible();
  // A disabled app's sign-in request gets Latchkey's page, not a redirect.
  const res = await page.request.get(`/oidc/auth?client_id=${clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(`${RP}/callback`)}`, {
    maxRedirects: 0,
  });
  expect(res.status()).toBe(400);
  expect(await res.text()).toContain("This app cannot sign in here");
  await page.reload();
  await page.getByRole("button", { name: "Enable app" }).click();
  await expect(page.getByText("App enabled.")).toBeVisible();

  await page.goto("/admin/audit-log");
  for (const label of [
    "App created (OpenID Connect) (Notes)",
    "App changed (Notes (team))",
    "App secret rotated (Notes (team))",
    "App disabled (Notes (team))",
    "App enabled (Notes (team))",
  ]) {
    await expect(page.getByText(label, { exact: true }).first()).toBeVisible();
  }
  const html = await page.content();
  expect(html).not.toContain(secret);
  expect(html).not.toContain(rotated);
  await admin.close();
});

test("signing keys: publish a new RS256 key, then activate it; the old one stays published", async ({ browser, request }) => {
  const admin = await adminContext(browser);
  const page = await admin.newPage();
  await page.goto("/admin/clients/keys");
  await checkPage(page, "/admin/clients/keys");
  const rsa = page.getByRole("list", { name: "RS256 keys" });
  const before = ((await request.get("/oidc/jwks").then((r) => r.json())) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
  await page.getByRole("button", { name: "Publish a new RS256 key" }).click();
  await expect(page.getByText(/New RS256 key published/)).toBeVisible();
  await expect(rsa.getByText("Published, not signing yet")).toBeVisible();
  await page.getByRole("button", { name: "Activate the new RS256 key now" }).click();
  await expect(page.getByText("The new RS256 key signs from now on.")).toBeVisible();
  await expect(rsa.getByText("Retired, still published").first()).toBeVisible();
  const after = ((await request.get("/oidc/jwks").then((r) => r.json())) as { keys: Array<{ kid: string; d?: string }> }).keys;
  for (const kid of before)
    expect(
      after.map((k) => k.kid),
      "the old keys are still published",
    ).toContain(kid);
  expect(after.length).toBeGreaterThan(before.length);
  expect(after.every((k) => !k.d)).toBe(true);
  await page.goto("/admin/audit-log");
  await expect(page.getByText("Signing key activated (RS256)", { exact: true }).first()).toBeVisible();
  await admin.close();
});

test.describe("sign-in steps an app asks for", () => {
  let restore: (() => Promise<void>) | undefined;
  test.beforeAll(async ({ browser }) => {
    restore = await enableTwoFactorIndividually(browser);
  });
  test.afterAll(async () => {
    if (restore) await restore();
  });

  test("an app that requires two-step verification: a password-only session passes the second step on /login/verify first", async ({ browser, page }) => {
    test.setTimeout(120_000);
    const redirectUri = `${RP}/vault`;
    const app = await registerApp(browser, { name: "Vault", redirectUri });
    const admin = await adminContext(browser);
    const ap = await admin.newPage();
    await ap.goto(`/admin/clients/${app.clientId}`);
    await ap.getByLabel("Require two-step verification").check();
    await ap.getByRole("button", { name: "Save changes" }).click();
    await expect(ap.getByText("Changes saved.")).toBeVisible();
    await admin.close();

    await page.route(`${RP}/**`, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>vault</title>" }));
    const user = await signUpAndConfirm(page, "stepup");
    const { secret, step } = await enrolTotp(page);
    // The account itself asks for the password only: the app's rule is what asks for more.
    await page.goto("/account/security?open=two-step");
    await page.getByLabel("Ask for a second step when I sign in").uncheck();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByText("Saved: signing in asks for your password only.")).toBeVisible();
    await page.context().clearCookies();
    await fillLogin(page, user.email, user.password);
    await expect(page).toHaveURL(/\/dashboard$/);

    const { url, verifier } = authorization(app.clientId, redirectUri);
    await page.goto(url);
    await expect(page.getByRole("heading", { name: "Two-step verification needed" })).toBeVisible();
    await expect(page.getByText("Vault asks for two-step verification.")).toBeVisible();
    await checkPage(page, "the two-step page of an app");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL(/\/login\/verify$/);
    const { code } = await freshTotp(secret, step);
    // A full page load brought the browser here: the form works whether or not React has hydrated yet.
    await page.getByLabel("Code from your authenticator app", { exact: true }).fill(code);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByRole("heading", { name: "Vault wants to use your Latchkey account" })).toBeVisible();
    await page.getByRole("button", { name: "Allow" }).click();
    await expect(page).toHaveURL(new RegExp(`^${redirectUri}\\?code=`));
    const claims = await redeem(page, page.url(), app, redirectUri, verifier);
    expect(claims.acr).toBe("urn:latchkey:loa:2fa");
    expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
  });

  test('prompt=login: "Sign in again" ends the Latchkey session, the sign-in page names the app, and the new sign-in comes back', async ({ browser, page }) => {
    const redirectUri = `${RP}/diary`;
    const app = await registerApp(browser, { name: "Diary", redirectUri });
    await page.route(`${RP}/**`, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>diary</title>" }));
    const user = await signUpAndConfirm(page, "reauth");
    const first = authorization(app.clientId, redirectUri);
    await page.goto(first.url);
    await page.getByRole("button", { name: "Allow" }).click();
    await expect(page).toHaveURL(new RegExp(`^${redirectUri}\\?code=`));
    const before = await redeem(page, page.url(), app, redirectUri, first.verifier);

    const again = authorization(app.clientId, redirectUri, { prompt: "login" });
    await page.goto(again.url);
    await expect(page.getByRole("heading", { name: "Sign in again" })).toBeVisible();
    await checkPage(page, "the sign-in-again page");
    await page.getByRole("button", { name: "Sign in again" }).click();
    await expect(page).toHaveURL(/\/login\?next=/);
    await expect(page.getByText("Sign in to continue to Diary.")).toBeVisible();
    await enterPassword(page, user.email, user.password);
    await expect(page).toHaveURL(new RegExp(`^${redirectUri}\\?code=`));
    const after = await redeem(page, page.url(), app, redirectUri, again.verifier);
    expect(Number(after.auth_time)).toBeGreaterThanOrEqual(Number(before.auth_time));
    expect(after.sub).toBe(before.sub);
  });
});

test("Connected apps: the app allowed on the consent page is listed on the security page and removed there", async ({ browser, page }) => {
  // An app registered directly in the Manager app; its callback is answered by a stand-in.
  const admin = await adminContext(browser);
  const ap = await admin.newPage();
  await ap.goto("/admin/clients/new");
  await ap.getByLabel("Name").fill("Photo album");
  await ap.getByLabel("Redirect URIs", { exact: true }).fill(`${RP}/album`);
  await ap.getByRole("button", { name: "Create app" }).click();
  const clientId = await ap.getByLabel("Client ID").inputValue();
  await admin.close();

  await page.route(`${RP}/**`, (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>album</title>" }));
  await signUpAndConfirm(page, "apps");
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL("/oidc/auth", BASE_URL);
  for (const [k, v] of Object.entries({
    client_id: clientId,
    response_type: "code",
    scope: "openid email",
    redirect_uri: `${RP}/album`,
    state: "s",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }))
    url.searchParams.set(k, v);
  await page.goto(url.href);
  await expect(page.getByRole("heading", { name: "Photo album wants to use your Latchkey account" })).toBeVisible();
  await checkPage(page, "the consent page");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page).toHaveURL(new RegExp(`^${RP}/album\\?code=`));

  await page.goto("/account/security?open=apps");
  const apps = page.getByRole("list", { name: "Connected apps" });
  await expect(apps.getByText("Photo album", { exact: true })).toBeVisible();
  await expect(apps.getByText("Can see: your account ID, email address")).toBeVisible();
  await apps.getByRole("button", { name: "Remove access for Photo album" }).click();
  await expect(page.getByText("Photo album no longer has access to your account.")).toBeVisible();
  await expect(page.getByText("No app signs in with your Latchkey account.")).toBeVisible();
  // Next time it asks again.
  await page.goto(url.href);
  await expect(page.getByRole("heading", { name: "Photo album wants to use your Latchkey account" })).toBeVisible();
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page).toHaveURL(new RegExp(`^${RP}/album\\?error=access_denied`));
});
