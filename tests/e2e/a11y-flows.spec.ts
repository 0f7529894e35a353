// axe on the phone, recovery and two-step pages and on every Manager settings page.
import { expect, test } from "@playwright/test";
import { adminContext, fillLogin, signOut, signUpAndConfirm } from "./helpers";
import { expectNoViolations, expectPageAccessible } from "./axe";
import { requireWebTwoFactor, setTwoFactorGeneral, type TwoFactorGeneral } from "./two-factor-helpers";

let previous: TwoFactorGeneral | undefined;

test.afterAll(async ({ browser }) => {
  if (previous) await setTwoFactorGeneral(browser, previous);
});

test("phone and recovery pages", async ({ page }) => {
  for (const path of ["/login/phone", "/register/phone", "/recover"]) await expectNoViolations(page, path);
});

test("every Manager settings page and the audit log", async ({ browser }) => {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  for (const path of ["/admin/settings/sms", "/admin/settings/regional", "/admin/settings/two-factor", "/admin/audit-log"]) {
    await expectNoViolations(page, path);
  }
  await ctx.close();
});

test("the verify page while setting up a first method: the choice, the QR code, an error", async ({ page, browser }) => {
  previous = await setTwoFactorGeneral(browser, { enable2fa: true });
  const user = await signUpAndConfirm(page, "a11y-verify");
  await signOut(page);
  await requireWebTwoFactor(browser, user.email);
  await fillLogin(page, user.email, user.password);
  await expect(page.getByRole("heading", { name: "Set up two-step verification" })).toBeVisible();
  await expectPageAccessible(page, "/login/verify (set up)");
  await page.goto("/login/verify?method=totp");
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  await expect(page.getByTestId("totp-secret")).toBeVisible();
  await expectPageAccessible(page, "/login/verify?method=totp (QR code)");
  await page.getByRole("button", { name: "Confirm authenticator app" }).click();
  await expect(page.getByLabel("Code from your authenticator app")).toHaveAttribute("aria-invalid", "true");
  await expectPageAccessible(page, "/login/verify?method=totp (error)");
});
