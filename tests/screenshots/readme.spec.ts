// The pictures of the README and of docs/guide.md, made from the running app:
// `npm run screenshots` writes them to docs/images/.
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { adminPages } from "../e2e/site-pages";
import { signUpAndConfirm } from "../e2e/helpers";
import { enableTwoFactorIndividually } from "../e2e/two-factor-helpers";

const OUT = path.resolve(__dirname, "..", "..", "docs", "images");
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: false });

test.use({ viewport: { width: 1100, height: 760 }, colorScheme: "light" });

test("sign-in page", async ({ page }) => {
  await page.goto("/login");
  await page.waitForLoadState("networkidle");
  await shot(page, "sign-in");
  await page.setViewportSize({ width: 390, height: 760 });
  await page.emulateMedia({ colorScheme: "dark" });
  await shot(page, "sign-in-phone-dark");
});

test("security page", async ({ page, browser }) => {
  // As a site with two-step verification on shows it: the methods a person can set up.
  const restore = await enableTwoFactorIndividually(browser);
  try {
    await signUpAndConfirm(page, "readme");
    await page.goto("/account/security");
    await page.waitForLoadState("networkidle");
    await shot(page, "security");
  } finally {
    await restore();
  }
});

test("Manager pages", async ({ browser }) => {
  const ctx = await adminPages(browser, { viewport: { width: 1100, height: 760 } });
  const page = await ctx.newPage();
  await page.goto("/admin/accounts");
  await page.getByTestId("manage").first().locator(":scope > summary").click();
  await expect(page.getByRole("button", { name: /^Save rights/ }).first()).toBeVisible();
  await shot(page, "manager-accounts");
  for (const [name, p] of [
    ["manager-overview", "/admin"],
    ["guide-account-settings", "/admin/settings/account"],
    ["guide-sms", "/admin/settings/sms"],
    ["guide-two-factor", "/admin/settings/two-factor"],
  ] as const) {
    await page.goto(p);
    await page.waitForLoadState("networkidle");
    // The SMS page with a provider chosen (not saved): its fields appear.
    if (name === "guide-sms") await page.getByLabel("Active provider").selectOption("twilio");
    await shot(page, name);
  }
  await ctx.close();
});
