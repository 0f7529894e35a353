// Nothing is wider than a 360 px phone screen: no page scrolls sideways, signed out, signed in or as
// the admin, with a long unbroken name on the user pages.
import { type Page } from "@playwright/test";
import { expect, test } from "./test";
import { ADMIN_PAGES, SIGNED_OUT_PAGES, USER_PAGES, adminPages, longNamedUser, overflow } from "./site-pages";

const PHONE = { width: 360, height: 740 };

async function expectFits(page: Page, path: string) {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  const { scrollWidth, wide } = await overflow(page);
  expect(scrollWidth, `${path} is ${scrollWidth} px wide at 360 px (widest: ${wide.join(", ")})`).toBeLessThanOrEqual(PHONE.width);
}

test.use({ viewport: PHONE });

test("signed-out pages fit 360 px", async ({ page }) => {
  for (const path of SIGNED_OUT_PAGES) await expectFits(page, path);
});

test("signed-in pages fit 360 px, with a long name and a token", async ({ page }) => {
  await longNamedUser(page);
  for (const path of USER_PAGES) await expectFits(page, path);
});

test("Manager pages fit 360 px, with an open Manage panel and the menu open", async ({ browser }) => {
  const ctx = await adminPages(browser, { viewport: PHONE });
  const page = await ctx.newPage();
  try {
    for (const path of ADMIN_PAGES) await expectFits(page, path);
    await page.goto("/admin/accounts");
    await page.getByTestId("manage").first().locator(":scope > summary").click();
    await page.getByText("Menu", { exact: true }).click();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Manager" })).toHaveAttribute("aria-current", "page");
    const { scrollWidth } = await overflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(PHONE.width);
  } finally {
    await ctx.close();
  }
});
