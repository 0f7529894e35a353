// WCAG 2.1 A/AA checks with axe, shared by the accessibility specs.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** axe on the page as it is now: no violations. */
export async function expectPageAccessible(page: Page, what = page.url()) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  expect(summary, `axe violations on ${what}`).toEqual([]);
}

/** Opens `path` (below 400) and checks it once the network is quiet. */
export async function expectNoViolations(page: Page, path: string) {
  const res = await page.goto(path);
  expect(res?.status(), `${path} status`).toBeLessThan(400);
  await page.waitForLoadState("networkidle");
  await expectPageAccessible(page, path);
}
