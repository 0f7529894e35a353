// Latchkey as the identity provider of another Next.js app (examples/next-app, next-auth's OpenID
// Connect provider): registered in the Manager app, then signed in to through Latchkey's pages — with
// a password, a password + authenticator-app code from oathtool, a security key — and signed out of both.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { expectPageAccessible } from "./axe";
import { BASE_URL, signOut, signUpAndConfirm } from "./helpers";
import { enterPassword, registerApp } from "./oidc-helpers";
import {
  addVirtualAuthenticator,
  enableTwoFactorIndividually,
  enrolTotp,
  freshTotp,
  readRecoveryCodes,
  submitVerifyCode,
  turnOnWebTwoFactor,
} from "./two-factor-helpers";
import { buildExampleApp, EXAMPLE_URL, startExampleApp, type ExampleApp } from "./example-app";

const APP_NAME = "Example Next app";
let app: ExampleApp | undefined;
let restore: (() => Promise<void>) | undefined;

test.beforeAll(async ({ browser }) => {
  // Building the example (when its sources changed) takes a minute on two cores.
  test.setTimeout(600_000);
  buildExampleApp();
  restore = await enableTwoFactorIndividually(browser);
  const { clientId, clientSecret } = await registerApp(browser, {
    name: APP_NAME,
    redirectUri: `${EXAMPLE_URL}/api/auth/callback/latchkey`,
    postLogoutUri: `${EXAMPLE_URL}/`,
  });
  app = await startExampleApp({ issuer: BASE_URL, clientId, clientSecret });
});

test.afterAll(async () => {
  await app?.stop();
  // The example app's own log, for a failure's post-mortem.
  if (app && process.env.E2E_RUN_DIR) writeFileSync(path.join(process.env.E2E_RUN_DIR, "example-app.log"), app.output());
  if (restore) await restore();
});

/** From the example app to Latchkey's sign-in page. */
async function startAtApp(page: Page) {
  await page.goto(EXAMPLE_URL);
  await expect(page.getByText("You are not signed in.")).toBeVisible();
  await page.getByRole("button", { name: "Sign in with Latchkey" }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Foidc%2Finteraction%2F/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByText(`Sign in to continue to ${APP_NAME}.`)).toBeVisible();
}

/** Latchkey's consent page (checked with axe), allowed; back in the app, signed in. */
async function allowAndLand(page: Page, email: string, amr: string, acr: string) {
  await expect(page.getByRole("heading", { name: `${APP_NAME} wants to use your Latchkey account` })).toBeVisible();
  const asks = page.getByRole("list", { name: "What the app asks for" });
  await expect(asks).toContainText("Your email address");
  await expect(asks).toContainText("Your name and profile names");
  await expectPageAccessible(page, "consent page");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page).toHaveURL(`${EXAMPLE_URL}/`);
  await expect(page.getByTestId("email")).toHaveText(email);
  await expect(page.getByTestId("amr")).toHaveText(amr);
  await expect(page.getByTestId("acr")).toHaveText(acr);
  await expect(page.getByTestId("sub")).not.toHaveText(email);
}

/** The app's "Sign out" → Latchkey asks "Sign out?" → signed out of Latchkey too → back in the app. */
async function signOutOfBoth(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign out?" })).toBeVisible();
  await expect(page.getByText(`You are signing out of ${APP_NAME}.`)).toBeVisible();
  await expectPageAccessible(page, "sign-out confirmation");
  await page.getByRole("button", { name: "Sign out of Latchkey" }).click();
  await expect(page).toHaveURL(`${EXAMPLE_URL}/`);
  await expect(page.getByText("You are not signed in.")).toBeVisible();
  await page.goto(`${BASE_URL}/account/security`);
  await expect(page).toHaveURL(/\/login$/);
}

test("signs in to the example app through Latchkey with a password, then out of both", async ({ page }) => {
  const user = await signUpAndConfirm(page, "rp-pwd");
  await signOut(page);
  await startAtApp(page);
  await enterPassword(page, user.email, user.password);
  await allowAndLand(page, user.email, "pwd", "urn:latchkey:loa:1fa");
  await expect(page.getByTestId("name")).toHaveText(user.name);
  // Signed in to Latchkey meanwhile: the app lists it under Connected apps.
  await page.goto(`${BASE_URL}/account/security?open=apps`);
  const apps = page.getByRole("list", { name: "Connected apps" });
  await expect(apps.getByText(APP_NAME, { exact: true })).toBeVisible();
  await expectPageAccessible(page, "security page with a connected app");
  await page.goto(EXAMPLE_URL);
  await signOutOfBoth(page);
});

test("signs in with a password and an authenticator-app code (oathtool): amr and acr say two steps", async ({ page }) => {
  test.setTimeout(180_000);
  const user = await signUpAndConfirm(page, "rp-totp");
  const { secret, step } = await enrolTotp(page);
  await turnOnWebTwoFactor(page);
  await signOut(page);
  await startAtApp(page);
  await enterPassword(page, user.email, user.password);
  await expect(page).toHaveURL(/\/login\/verify$/);
  const { code } = await freshTotp(secret, step);
  await submitVerifyCode(page, code, { label: "Code from your authenticator app" });
  await allowAndLand(page, user.email, "pwd otp mfa", "urn:latchkey:loa:2fa");
  await signOutOfBoth(page);
});

test("signs in with a security key (virtual authenticator), then out of both", async ({ page }) => {
  const user = await signUpAndConfirm(page, "rp-key");
  await addVirtualAuthenticator(page, "usb");
  await page.goto(`${BASE_URL}/account/security?open=keys`);
  await page.getByLabel("Security key name").fill("Desk key");
  await page.getByRole("button", { name: "Add a security key" }).click();
  await expect(page.getByText('Security key "Desk key" added.')).toBeVisible();
  await readRecoveryCodes(page);
  await signOut(page);
  await startAtApp(page);
  await page.getByRole("button", { name: "Sign in with a security key" }).click();
  // A user-verified key is two factors by itself.
  await allowAndLand(page, user.email, "hwk mfa", "urn:latchkey:loa:2fa");
  await signOutOfBoth(page);
});
