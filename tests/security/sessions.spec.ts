// Session attacks (B2, A7, A2): a new session id at sign-in (no fixation), cookie attributes, and a
// stolen cookie replayed after sign-out, after a password change and after an admin block.
import { expect, test } from "../e2e/test";
import { accountRow, adminContext, BASE_URL, signIn, signOut, signUpAndConfirm, strongPassword } from "../e2e/helpers";
import { cookieHeader, landing, SESSION_COOKIE } from "./http";

const sessionValue = async (ctx: import("@playwright/test").BrowserContext) =>
  (await ctx.cookies(BASE_URL)).find((c) => SESSION_COOKIE.test(c.name))?.value ?? null;

test("fixation: a planted session cookie is replaced at sign-in; every sign-in gets a new id", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "fixation");
  const victimCookie = await sessionValue(page.context());
  await signOut(page);

  // The attacker plants a cookie (here: a once-valid one, now signed out) in a fresh browser.
  const ctx = await browser.newContext();
  await ctx.addCookies([{ name: "latchkey.session", value: victimCookie!, url: BASE_URL }]);
  const p = await ctx.newPage();
  await signIn(p, user.email, user.password);
  const first = await sessionValue(ctx);
  expect(first).not.toBe(victimCookie);
  const cookie = (await ctx.cookies(BASE_URL)).find((c) => SESSION_COOKIE.test(c.name))!;
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe("Lax");
  expect(cookie.path).toBe("/");
  expect(cookie.secure).toBe(BASE_URL.startsWith("https://"));

  await signOut(p);
  await signIn(p, user.email, user.password);
  const second = await sessionValue(ctx);
  expect(second).not.toBe(first);
  // The first id is dead; the planted one never came back to life.
  for (const old of [first!, victimCookie!]) {
    expect((await landing(p.request, "/dashboard", `latchkey.session=${old}`)).location).toMatch(/\/login$/);
  }
  await ctx.close();
});

test("a cookie replayed after sign-out is refused", async ({ page, request }) => {
  await signUpAndConfirm(page, "replay-out");
  const cookie = await cookieHeader(page.context());
  expect((await landing(request, "/dashboard", cookie)).status).toBe(200);
  await signOut(page);
  for (const path of ["/dashboard", "/account/security"]) expect((await landing(request, path, cookie)).location, path).toMatch(/\/login$/);
});

test("a cookie replayed after a password change is refused (other sessions end)", async ({ page, browser, request }) => {
  const user = await signUpAndConfirm(page, "replay-pw");
  const thief = await browser.newContext();
  const tp = await thief.newPage();
  await signIn(tp, user.email, user.password);
  const stolen = await cookieHeader(thief);
  await thief.close();
  expect((await landing(request, "/dashboard", stolen)).status).toBe(200);

  await page.goto("/account/security?open=password");
  await page.getByLabel("Current password").fill(user.password);
  const next = strongPassword();
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Confirm new password").fill(next);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your password was changed." })).toBeVisible();
  expect((await landing(request, "/dashboard", stolen)).location).toMatch(/\/login$/);
});

test("a cookie replayed after an admin blocks the account is refused", async ({ page, browser, request }) => {
  const user = await signUpAndConfirm(page, "replay-block");
  const cookie = await cookieHeader(page.context());
  const admin = await adminContext(browser);
  try {
    const ap = await admin.newPage();
    await ap.goto(`/admin/accounts?q=${encodeURIComponent(user.email)}`);
    const row = await accountRow(ap, user.email);
    // Block asks first: "Block …" opens the question, "Block account" answers it.
    await row.locator("summary", { hasText: /^Block/ }).click();
    await row.getByRole("button", { name: "Block account", exact: true }).click();
    await expect(row.getByRole("button", { name: "Unblock", exact: true })).toBeVisible();
  } finally {
    await admin.close();
  }
  for (const path of ["/dashboard", "/account/security"]) expect((await landing(request, path, cookie)).location, path).toMatch(/\/login$/);
});
