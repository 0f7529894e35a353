// Step skipping (B4, B2) on an account with two-step verification: after the password, only the
// verify step accepts the interim state — no page, server action or API; the session appears only
// after the second factor, as a new id; password recovery still asks for the second factor.
import { expect, test } from "../e2e/test";
import { BASE_URL, signOut, signUpAndConfirm, startRecoveryByEmail, strongPassword, type TestUser } from "../e2e/helpers";
import {
  enrolEmail,
  mailCode,
  mailCount,
  SECURITY_CODE,
  enableTwoFactorIndividually,
  signInToVerify,
  submitVerifyCode,
  turnOnWebTwoFactor,
} from "../e2e/two-factor-helpers";
import { captureAction, cookieHeader, expectRefused, landing, replayAction, SESSION_COOKIE } from "./http";

let restore: (() => Promise<void>) | undefined;
test.beforeAll(async ({ browser }) => {
  restore = await enableTwoFactorIndividually(browser);
});
test.afterAll(async () => {
  if (restore) await restore();
});

const PROTECTED = ["/dashboard", "/account/security", "/account/tokens", "/profiles", "/confirm", "/admin", "/admin/accounts", "/admin/settings/two-factor"];

/** A confirmed account with email codes as its second step, signed out; the page's context is reused. */
async function twoFactorUser(page: import("@playwright/test").Page): Promise<TestUser> {
  const user = await signUpAndConfirm(page, "step");
  await enrolEmail(page, user.email);
  await page.goto("/account/security?open=methods");
  await page.getByLabel("Main method").selectOption("email");
  await page.getByRole("button", { name: "Save methods" }).click();
  await expect(page.getByText("Your methods are saved.")).toBeVisible();
  await turnOnWebTwoFactor(page);
  return user;
}

const sessionOf = async (ctx: import("@playwright/test").BrowserContext) =>
  (await ctx.cookies(BASE_URL)).find((c) => SESSION_COOKIE.test(c.name))?.value ?? null;

test("after the password only the verify step accepts the interim state; the session comes after the second factor, as a new id", async ({
  page,
  browser,
  request,
}) => {
  const user = await twoFactorUser(page);
  // A signed-in action to replay later: "Change password" (captured, not run).
  await page.goto("/account/security?open=password");
  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password", { exact: true }).fill("Amber kettle skipped ridge");
  await page.getByLabel("Confirm new password").fill("Amber kettle skipped ridge");
  const action = await captureAction(page, () => page.getByRole("button", { name: "Change password" }).click(), { block: true });
  const fullSession = await sessionOf(page.context());
  await page.goto("/account/security");
  await signOut(page);

  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await signInToVerify(p, user.email, user.password);
  expect(await sessionOf(ctx), "no session cookie after the first factor").toBeNull();
  const interim = await cookieHeader(ctx);
  expect(interim).toMatch(/lk_two_factor=/);

  for (const path of PROTECTED) expectRefused(await landing(request, path, interim), path);
  const replayed = await replayAction(request, action, { cookie: interim });
  expect(await replayed.text()).toContain("Your session has ended. Please sign in again.");
  expect((await request.get("/api/me", { headers: { cookie: interim } })).status()).not.toBe(200);
  // The interim cookie is tied to this sign-in: another browser holding it still sees only the verify step.
  expect((await landing(request, "/login/verify", interim)).status).toBe(200);

  const before = await mailCount(p.request, user.email, SECURITY_CODE);
  await p.getByRole("button", { name: "Send code", exact: true }).click();
  await expect(p.getByText(`We sent a code to ${user.email}.`)).toBeVisible();
  await submitVerifyCode(p, await mailCode(p.request, user.email, SECURITY_CODE, before));
  await expect(p).toHaveURL(/\/dashboard$/);
  const after = await sessionOf(ctx);
  expect(after).toBeTruthy();
  expect(after).not.toBe(fullSession);
  // The interim cookie is used up: it opens nothing and cannot finish a second sign-in.
  for (const path of ["/dashboard", "/account/security"]) expectRefused(await landing(request, path, interim), path);
  expect((await landing(request, "/login/verify", interim)).status, "a used challenge shows no verify step").not.toBe(200);
  await ctx.close();
});

test("password recovery on a two-step account still asks for the second factor", async ({ page, browser }) => {
  const user = await twoFactorUser(page);
  await signOut(page);
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const mail = await startRecoveryByEmail(p, user.email);
  await p.getByLabel("Code").fill(mail.body.match(/\b(\d{6})\b/)![1]!);
  const password = strongPassword();
  await p.getByLabel("New password", { exact: true }).fill(password);
  await p.getByLabel("Confirm new password").fill(password);
  await p.getByRole("button", { name: "Set new password" }).click();
  await expect(p).toHaveURL(/\/login\?reset=1/);
  expect(await sessionOf(ctx), "recovery opens no session").toBeNull();
  await signInToVerify(p, user.email, password);
  expect(await sessionOf(ctx)).toBeNull();
  for (const path of ["/dashboard", "/account/security"]) expectRefused(await landing(p.request, path), path);
  await ctx.close();
});
