// WCAG 2.1 A/AA checks with axe, shared by the accessibility specs. Every check runs twice: in the
// light colour scheme and in the dark one (prefers-color-scheme), which the site follows.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export const SCHEMES = ["light", "dark"] as const;
export type Scheme = (typeof SCHEMES)[number];

/** The lightness (0–255) of the page's background: the proof that a scheme took effect. */
async function backgroundLightness(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const c = getComputedStyle(document.body).backgroundColor;
    // A page that paints no background of its own (not one of the site's) is not judged here.
    if (c === "rgba(0, 0, 0, 0)" || c === "transparent") return null;
    // Chromium answers rgb(…) for the palette's oklch() colours once computed.
    const probe = document.createElement("canvas").getContext("2d")!;
    probe.fillStyle = c;
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  });
}

/** axe on the page as it is now, in one colour scheme: no violations. */
export async function expectAccessibleIn(page: Page, scheme: Scheme, what = page.url()) {
  await page.emulateMedia({ colorScheme: scheme });
  // The stylesheet applied: the colours judged are the page's.
  await page.waitForLoadState("load");
  // After a client-side navigation the URL changes a moment before the new page's <title> is in
  // place (metadata arrives after the body): judge the page once it has one.
  await expect(page, `${what}: the page has a title`).toHaveTitle(/\S/);
  const lightness = await backgroundLightness(page);
  if (lightness === null) {
    // Nothing to compare.
  } else if (scheme === "dark") expect(lightness, `${what}: the dark scheme darkens the page`).toBeLessThan(60);
  else expect(lightness, `${what}: the light scheme keeps the page light`).toBeGreaterThan(200);
  // The outbox's email previews are emails, not pages of the site, and run no script (a sandboxed
  // frame), where axe cannot run: their frames stay out; outbox-emails.spec.ts checks their titles.
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).exclude("iframe[data-email-preview]").analyze();
  const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  expect(summary, `axe violations on ${what} (${scheme} scheme)`).toEqual([]);
}

/** axe on the page as it is now, light then dark: no violations in either. Leaves the page light. */
export async function expectPageAccessible(page: Page, what = page.url()) {
  for (const scheme of SCHEMES) await expectAccessibleIn(page, scheme, what);
  await page.emulateMedia({ colorScheme: "light" });
}

/** Opens `path` (below 400) and checks it once the network is quiet. */
export async function expectNoViolations(page: Page, path: string) {
  const res = await page.goto(path);
  expect(res?.status(), `${path} status`).toBeLessThan(400);
  await page.waitForLoadState("networkidle");
  await expectPageAccessible(page, path);
}
