// Every page at 360 and 1280 px, light and dark, saved under tests/.tmp/look/ to be looked at.
// LOOK_PAGES=<regex> narrows the pages (for example LOOK_PAGES=admin).
import path from "node:path";
import { test, type Page } from "@playwright/test";
import { ADMIN_PAGES, SIGNED_OUT_PAGES, USER_PAGES, adminPages, longNamedUser } from "../e2e/site-pages";

const OUT = path.resolve(__dirname, "..", ".tmp", "look");
const only = process.env.LOOK_PAGES ? new RegExp(process.env.LOOK_PAGES) : null;
const WIDTHS = [360, 1280];
const SCHEMES = ["light", "dark"] as const;

const fileName = (p: string) =>
  p
    .replace(/^\//, "")
    .replace(/[^a-z0-9]+/gi, "-")
    .replace(/-+$/, "") || "home";

async function shoot(page: Page, pages: string[]) {
  for (const p of pages.filter((x) => !only || only.test(x))) {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(p);
      await page.waitForLoadState("networkidle");
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: path.join(OUT, `${fileName(p)}-${width}-${scheme}.png`), fullPage: true });
      }
    }
  }
}

test.setTimeout(600_000);

test("signed out", async ({ page }) => {
  await shoot(page, SIGNED_OUT_PAGES);
});

test("signed in", async ({ page }) => {
  await longNamedUser(page);
  await shoot(page, USER_PAGES);
});

test("Manager", async ({ browser }) => {
  const ctx = await adminPages(browser);
  await shoot(await ctx.newPage(), ADMIN_PAGES);
  await ctx.close();
});
