// axe on the phone, recovery and two-step pages and on every Manager settings page.
import { expect, test } from "./test";
import { adminContext, fillLogin, signOut, signUpAndConfirm, uniqueEmail } from "./helpers";
import { smsCode, uniquePhone } from "./phone-helpers";
import { expectNoViolations, expectPageAccessible } from "./axe";
import { requireWebTwoFactor, enableTwoFactorIndividually } from "./two-factor-helpers";

let restore: (() => Promise<void>) | undefined;

test.afterAll(async () => {
  if (restore) await restore();
});

test("phone and recovery pages", async ({ page }) => {
  for (const path of ["/login/phone", "/register/phone", "/recover"]) await expectNoViolations(page, path);
});

test("every Manager settings page and the audit log", async ({ browser }) => {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  for (const path of ["/admin/settings/sms", "/admin/settings/two-factor", "/admin/audit-log", "/admin/settings/audit-log"]) {
    await expectNoViolations(page, path);
  }
  await ctx.close();
});

test("the verify page while setting up a first method: the choice, the QR code, an error", async ({ page, browser }) => {
  restore = await enableTwoFactorIndividually(browser);
  const user = await signUpAndConfirm(page, "a11y-verify");
  await signOut(page);
  await requireWebTwoFactor(browser, user.email);
  await fillLogin(page, user.email, user.password);
  await expect(page.getByRole("heading", { name: "Set up two-step verification" })).toBeVisible();
  await expectPageAccessible(page, "/login/verify (set up)");
  await page.goto("/login/verify?method=totp");
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  await expect(page.getByTestId("totp-secret")).toBeVisible();
  await expectPageAccessible(page, "/login/verify?method=totp (QR code)");
  await page.getByRole("button", { name: "Confirm authenticator app" }).click();
  await expect(page.getByLabel("Code from your authenticator app")).toHaveAttribute("aria-invalid", "true");
  await expectPageAccessible(page, "/login/verify?method=totp (error)");
});

test("code steps, notices, link landings, the outbox and the not-found page", async ({ page }) => {
  // Every page twice (light and dark), the outbox with its framed emails among them.
  test.setTimeout(150_000);
  // The sign-in page with every notice it can show.
  await expectNoViolations(page, "/login?confirmed=1&reset=1&expired=1");
  await expect(page.getByText("This sign-in was already finished or has expired. Sign in again.")).toBeVisible();

  // Phone sign-in and recovery after the first step (an unknown number and address answer like any other).
  await page.goto("/login/phone");
  await page.getByLabel("Phone number").fill(uniquePhone().national);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByLabel("Code")).toBeVisible();
  await expectPageAccessible(page, "/login/phone?step=code");
  await page.goto("/recover");
  await page.getByLabel(/^Email/).fill(uniqueEmail("a11y-recover"));
  await page.getByRole("button", { name: /Send/ }).click();
  await expect(page.getByRole("button", { name: "Set new password" })).toBeVisible();
  await expectPageAccessible(page, "/recover?step=code");

  // Phone registration: the code step and the details step.
  const phone = uniquePhone();
  await page.goto("/register/phone");
  await page.getByLabel("Phone number").fill(phone.national);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page).toHaveURL(/step=code/);
  await expectPageAccessible(page, "/register/phone?step=code");
  await page.getByLabel("Code").fill(await smsCode(page.request, phone.e164));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/step=details/);
  await expectPageAccessible(page, "/register/phone?step=details");

  // Emailed-link landings with a link that is not (or no longer) valid, and the development outbox.
  for (const path of ["/recover/reset?token=not-a-real-token", "/confirm/email?token=not-a-real-token", "/dev/outbox"]) await expectNoViolations(page, path);

  // The not-found page.
  const res = await page.goto("/no-such-page");
  expect(res?.status()).toBe(404);
  await expectPageAccessible(page, "/no-such-page (404)");
});
