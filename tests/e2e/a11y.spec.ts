// WCAG 2.1 A/AA checks with axe on every page, signed out, signed in and as the admin, in the light
// and the dark colour scheme.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./test";
import { adminContext, fillLogin, newUser, signIn, signUp, signUpAndConfirm } from "./helpers";
import { setAutomaticProfiles } from "./account-settings-helpers";
import { expectNoViolations, expectPageAccessible } from "./axe";

test("signed-out pages", async ({ page }) => {
  for (const path of ["/", "/login", "/signup", "/signup/check-email?email=a@b.co", "/confirm/email?token=not-a-real-token"])
    await expectNoViolations(page, path);
});

test("the page-not-found page", async ({ page }) => {
  const res = await page.goto("/no-such-page");
  expect(res?.status()).toBe(404);
  await expectPageAccessible(page, "/no-such-page");
});

test("signed-in pages", async ({ page }) => {
  await signUpAndConfirm(page, "a11y");
  for (const path of ["/dashboard", "/account/security", "/profiles", "/account/tokens"]) await expectNoViolations(page, path);
});

test("the confirmation page and banner of an unconfirmed account", async ({ page }) => {
  const user = newUser("a11yconf");
  await signUp(page, user);
  await signIn(page, user.email, user.password);
  await expect(page.getByRole("region", { name: "Account confirmation" })).toBeVisible();
  await expectNoViolations(page, "/dashboard");
  await expectNoViolations(page, "/confirm");
  await expect(page.getByRole("button", { name: "Confirm email" })).toBeVisible();
});

test("Manager pages", async ({ browser }) => {
  // Eight pages, each in both schemes.
  test.setTimeout(150_000);
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  for (const path of [
    "/admin",
    "/admin/accounts",
    "/admin/settings/account",
    "/admin/settings/permissions",
    "/admin/clients",
    "/admin/clients/new",
    "/admin/clients/keys",
    "/dev/outbox",
  ])
    await expectNoViolations(page, path);
  await ctx.close();
});

test("the forced first-profile page", async ({ page, browser }) => {
  await setAutomaticProfiles(browser, false);
  try {
    const user = newUser("a11yfirst");
    await signUp(page, user);
    await fillLogin(page, user.email, user.password);
    await expect(page).toHaveURL(/\/first-profile$/);
    await expectNoViolations(page, "/first-profile");
  } finally {
    await setAutomaticProfiles(browser, true);
  }
});

test("forms showing errors", async ({ page }) => {
  await page.goto("/signup");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await expectPageAccessible(page, "/signup with errors");
});

test("the check itself works: a planted violation is reported", async ({ page }) => {
  await page.goto("/login");
  // After hydration, which would otherwise drop a node planted inside React's tree.
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => {
    const img = document.createElement("img");
    img.src = "/planted.png";
    img.width = 40;
    img.height = 40;
    document.body.append(img);
  });
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(violations.map((v) => v.id)).toContain("image-alt");
});
