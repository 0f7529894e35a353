// Every page of the site, by who can see it: used by the layout specs (no sideways scrolling at
// 360 px, axe in both colour schemes) and by the screenshots.
import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { adminContext, newUser, signUp, confirmByLink } from "./helpers";

export const SIGNED_OUT_PAGES = [
  "/",
  "/login",
  "/login/phone",
  "/signup",
  "/signup/check-email?email=someone@example.com",
  "/register/phone",
  "/recover",
  "/recover/reset",
  "/confirm/email?token=not-a-real-token",
  "/no-such-page",
];

export const USER_PAGES = ["/dashboard", "/account/security", "/profiles", "/account/tokens"];

export const ADMIN_PAGES = [
  "/admin",
  "/admin/accounts",
  "/admin/accounts?status=pending",
  "/admin/settings/account",
  "/admin/settings/permissions",
  "/admin/settings/sms",
  "/admin/settings/two-factor",
  "/admin/clients",
  "/admin/clients/new",
  "/admin/clients/keys",
  "/admin/audit-log",
  "/admin/settings/audit-log",
  "/dev/outbox",
];

/** A name with no spaces to break at: the longest a page has to fit. */
export const LONG_NAME = `Wolfeschlegelsteinhausenbergerdorff${"x".repeat(20)}`;

/** A confirmed account with a long unbroken name and one API token, signed in on `page`. */
export async function longNamedUser(page: Page) {
  const user = { ...newUser("wide"), name: LONG_NAME };
  await signUp(page, user);
  await confirmByLink(page, user.email);
  await page.goto("/account/tokens");
  await page.getByLabel("Token name").fill(LONG_NAME.slice(0, 50));
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByLabel("Your new token")).toBeVisible();
  return user;
}

export async function adminPages(browser: Browser, options: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
  const base = await adminContext(browser);
  const state = await base.storageState();
  await base.close();
  return browser.newContext({ ...options, storageState: state });
}

/** The page's width beyond the viewport, in CSS pixels (0 when nothing scrolls sideways). */
export async function overflow(page: Page) {
  return page.evaluate(() => {
    const el = document.scrollingElement!;
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}.${[...e.classList].slice(0, 3).join(".")}`);
    return { scrollWidth: el.scrollWidth, wide };
  });
}
