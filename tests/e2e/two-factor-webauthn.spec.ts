// T7/T10: security keys with Chromium's virtual authenticator (CDP WebAuthn domain): register and
// rename on the security tab, use as the second factor, and sign in without a password.
import { expect, test } from "./test";
import { signOut, signUpAndConfirm } from "./helpers";
import {
  addVirtualAuthenticator,
  expectNoSession,
  readRecoveryCodes,
  enableTwoFactorIndividually,
  signInToVerify,
  turnOnWebTwoFactor,
  secondStepStatus,
  ASKED,
  NOT_ASKED,
} from "./two-factor-helpers";

let restore: (() => Promise<void>) | undefined;

test.beforeAll(async ({ browser }) => {
  restore = await enableTwoFactorIndividually(browser);
});

test.afterAll(async () => {
  if (restore) await restore();
});

test("security key: register, rename, second factor, passwordless sign-in", async ({ page }) => {
  const user = await signUpAndConfirm(page, "key");
  const authenticator = await addVirtualAuthenticator(page, "usb");

  await page.goto("/account/security?open=keys");
  await page.getByLabel("Security key name").fill("Desk key");
  await page.getByRole("button", { name: "Add a security key" }).click();
  await expect(page.getByText('Security key "Desk key" added.')).toBeVisible();
  await readRecoveryCodes(page);
  const keys = page.getByRole("list", { name: "Security keys" });
  await expect(keys.getByText("Desk key", { exact: true })).toBeVisible();
  const creds = await authenticator.credentials();
  expect(creds).toHaveLength(1);
  expect(creds[0]!.isResidentCredential, "a discoverable credential").toBe(true);
  expect(creds[0]!.rpId).toBe("localhost");

  await page.getByLabel("New name for Desk key").fill("Travel key");
  await page.getByRole("button", { name: "Rename" }).click();
  // The row shows no message on success: the new name in the list is the outcome.
  await expect(keys.getByText("Travel key", { exact: true })).toBeVisible();
  await expect(page.getByLabel("New name for Travel key")).toBeVisible();
  await expect(keys.getByText("Desk key", { exact: true })).toHaveCount(0);
  await expect(keys).toContainText("last used never");

  await turnOnWebTwoFactor(page);
  await signOut(page);

  // The key as the second factor after the password.
  await signInToVerify(page, user.email, user.password);
  await expect(page.getByText("Your account asks for a second step: Security key.")).toBeVisible();
  await expectNoSession(page.context());
  await page.getByRole("button", { name: "Use your security key" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  const afterSecondFactor = (await authenticator.credentials())[0]!.signCount;
  expect(afterSecondFactor).toBeGreaterThan(creds[0]!.signCount);

  await page.goto("/account/security?open=keys");
  await expect(keys).not.toContainText("last used never");
  // While 2FA is required, the only method cannot be removed.
  await page.getByRole("button", { name: "Remove Travel key" }).click();
  await expect(page.getByText("This is your last two-step method and your account requires two-step verification. Add another method first.")).toBeVisible();
  await expect(keys.getByText("Travel key", { exact: true })).toBeVisible();
  await signOut(page);

  // Passwordless: a user-verified discoverable key is both factors (T10), so no verify step follows.
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with a security key" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  expect((await authenticator.credentials())[0]!.signCount).toBeGreaterThan(afterSecondFactor);
});

test("a key that was removed from the account no longer signs in", async ({ page }) => {
  await signUpAndConfirm(page, "keygone");
  const authenticator = await addVirtualAuthenticator(page, "internal");
  await page.goto("/account/security?open=keys,two-step");
  await page.getByLabel("Security key name").fill("Laptop");
  await page.getByRole("button", { name: "Add a security key" }).click();
  await expect(page.getByText('Security key "Laptop" added.')).toBeVisible();
  // The first method turned the second step on; with it off again the only key may go.
  await expect(secondStepStatus(page)).toHaveText(ASKED);
  await page.getByLabel("Ask for a second step when I sign in").uncheck();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(secondStepStatus(page)).toHaveText(NOT_ASKED);
  await page.getByRole("button", { name: "Remove Laptop" }).click();
  await expect(page.getByRole("list", { name: "Security keys" })).toHaveCount(0);
  expect(await authenticator.credentials()).toHaveLength(1);
  await signOut(page);

  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with a security key" }).click();
  await expect(page.getByText("This security key is not registered to an account. Use another method.")).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login$/);
});
