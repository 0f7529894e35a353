// Visual snapshots of the main pages, light and dark, phone and desktop, kept in the repository
// (visual.spec.ts-snapshots/). Parts that change from run to run (names, addresses, dates) are
// masked, and small rendering differences are tolerated, so only a real change of the look fails.
// After an intended change: `npx playwright test tests/e2e/visual.spec.ts --update-snapshots`.
import { type Locator, type Page } from "@playwright/test";
import { expect, test } from "./test";
import { signUpAndConfirm } from "./helpers";

const SIZES = [
  { name: "phone", width: 360, height: 800 },
  { name: "desktop", width: 1280, height: 800 },
] as const;
const SCHEMES = ["light", "dark"] as const;

async function snap(page: Page, name: string, mask: (p: Page) => Locator[] = () => []) {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
      await expect(page).toHaveScreenshot(`${name}-${size.name}-${scheme}.png`, {
        fullPage: true,
        animations: "disabled",
        caret: "hide",
        mask: mask(page),
        maxDiffPixelRatio: 0.02,
        threshold: 0.3,
      });
    }
  }
}

test("home, sign-in, page not found and an expired link", async ({ page }) => {
  for (const [name, path] of [
    ["home", "/"],
    ["sign-in", "/login"],
    ["not-found", "/no-such-page"],
    ["expired-reset-link", "/recover/reset?token=expired"],
  ] as const) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    await snap(page, name);
  }
});

test("the dashboard", async ({ page }) => {
  await signUpAndConfirm(page, "visual");
  await page.goto("/dashboard");
  await page.waitForLoadState("networkidle");
  await snap(page, "dashboard", (p) => [p.getByRole("heading", { level: 1 }), p.locator("dd"), p.locator("header span[title]")]);
});
