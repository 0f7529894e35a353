// Who must pass a second step (T1, T3, T6, T7; seeds 000, 001, 003, 004): a method set up on the
// security tab turns the second step on; "everyone" asks every existing account; new accounts start
// with SMS on by default; a phone confirmed in the phone section is the SMS method, with its
// recovery codes; with 2FA off the section says so.
import { type Page } from "@playwright/test";
import { expect, test } from "./test";
import { adminContext, confirmationMail, fillLogin, newUser, signIn, signOut, signUp, signUpAndConfirm } from "./helpers";
import { smsCode, uniquePhone } from "./phone-helpers";
import {
  ASKED,
  enableTwoFactorIndividually,
  enrolTotp,
  expectNoSession,
  freshTotp,
  NOT_ASKED,
  passManagerStepUp,
  readRecoveryCodes,
  restoreAdmin,
  secondStepStatus,
  setTwoFactorDefaults,
  setTwoFactorGeneral,
  submitVerifyCode,
} from "./two-factor-helpers";

test.describe.configure({ mode: "serial" });

/** Confirms a phone in the security tab's Phone section ("Send SMS", then the code). */
async function confirmPhoneOnSecurityTab(page: Page) {
  const phone = uniquePhone();
  await page.goto("/account/security?open=phone");
  const section = page.getByRole("region", { name: "Phone" });
  await section.getByLabel("Phone number").fill(phone.national);
  await section.getByRole("button", { name: "Send SMS" }).click();
  await expect(section.getByText(/^We sent a code to/)).toBeVisible();
  await section.getByLabel("Code").fill(await smsCode(page.request, phone.e164));
  await section.getByRole("button", { name: "Confirm phone" }).click();
  return phone;
}

test.describe("2FA enabled for accounts switched on individually", () => {
  let restore: (() => Promise<void>) | undefined;
  test.beforeAll(async ({ browser }) => {
    restore = await enableTwoFactorIndividually(browser);
  });
  test.afterAll(async () => {
    if (restore) await restore();
  });

  test("setting up an authenticator app turns the second step on: the next sign-in asks for it", async ({ page }) => {
    const user = await signUpAndConfirm(page, "totp-on");
    await page.goto("/account/security");
    await expect(secondStepStatus(page)).toHaveText(NOT_ASKED);
    const { secret, step } = await enrolTotp(page);
    await expect(page.getByText("Two-step verification is now on: a second step is asked each time you sign in.")).toBeVisible();
    await page.reload();
    await expect(secondStepStatus(page)).toHaveText(ASKED);
    await expect(page.getByLabel("Ask for a second step when I sign in")).toBeChecked();

    await signOut(page);
    await fillLogin(page, user.email, user.password);
    await expect(page).toHaveURL(/\/login\/verify$/);
    await expectNoSession(page.context());
    const { code } = await freshTotp(secret, step);
    await submitVerifyCode(page, code, { label: "Code from your authenticator app" });
    await expect(page).toHaveURL(/\/dashboard$/);

    // The user may turn it off again: the policy does not require it.
    await page.goto("/account/security?open=two-step");
    await page.getByLabel("Ask for a second step when I sign in").uncheck();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByText("Saved: signing in asks for your password only.")).toBeVisible();
    await signOut(page);
    await signIn(page, user.email, user.password);
  });

  test("a phone confirmed in the Phone section is the SMS method: second step on, 10 recovery codes", async ({ page }) => {
    await signUpAndConfirm(page, "sms-phone");
    await confirmPhoneOnSecurityTab(page);
    await expect(page.getByText("Your phone number is confirmed. Two-step verification by SMS is now on")).toBeVisible();
    const codes = await readRecoveryCodes(page);
    expect(codes).toHaveLength(10);
    // As after every other set-up: the codes stay until the user says they are saved.
    await page.getByRole("button", { name: "I have saved these codes" }).click();
    await expect(page.getByRole("list", { name: "Recovery codes" })).toBeHidden();
    await page.reload();
    await expect(secondStepStatus(page)).toHaveText(ASKED);
    await expect(page.getByRole("region", { name: "Text message (SMS)" })).toContainText("On · codes go to");
    await expect(page.getByRole("region", { name: "Recovery codes" })).toContainText("10 left");
  });

  test("new accounts start with SMS two-step on by default: the first sign-in asks for a phone", async ({ page, browser }) => {
    const before = await setTwoFactorDefaults(browser, { defaultWeb: true, defaultMethod: "sms" });
    try {
      const user = newUser("default-sms");
      await signUp(page, user);
      // Confirming the address is the first factor; the policy then asks for the second (T11, T3).
      const { link } = await confirmationMail(page.request, user.email);
      await page.goto(link);
      await page.getByRole("button", { name: "Confirm email" }).click();
      await expect(page).toHaveURL(/\/login\/verify$/);
      await expect(page.getByRole("heading", { name: "Set up two-step verification" })).toBeVisible();
      await expect(page.getByText("Set one up now: Text message (SMS).")).toBeVisible();
      const phone = uniquePhone();
      await page.getByLabel("Phone number").fill(phone.national);
      await page.getByRole("button", { name: "Send code", exact: true }).click();
      await submitVerifyCode(page, await smsCode(page.request, phone.e164));
      expect(await readRecoveryCodes(page)).toHaveLength(10);
      await page.getByRole("button", { name: "Continue" }).click();
      await expect(page).toHaveURL(/\/dashboard$/);
    } finally {
      await setTwoFactorDefaults(browser, before);
    }
  });
});

test('"everyone": an existing account that never turned it on is asked after the password', async ({ page, browser }) => {
  // The admin's session is opened first and used to put everything back: once "everyone" is on, a
  // new sign-in of the admin would be asked for a second step too.
  const admin = await adminContext(browser);
  const before = await setTwoFactorDefaults(admin, { defaultWeb: false, defaultManager: false });
  let general: Awaited<ReturnType<typeof setTwoFactorGeneral>> | undefined;
  try {
    // Made while 2FA is off, with the account's own switch off.
    const user = await signUpAndConfirm(page, "everyone");
    await page.goto("/account/security");
    await expect(page.getByText("Two-step verification is turned off for this site by your administrator.")).toBeVisible();
    await signOut(page);

    general = await setTwoFactorGeneral(admin, { enable2fa: true, requireFor: "everyone" });
    await fillLogin(page, user.email, user.password);
    await expect(page).toHaveURL(/\/login\/verify$/);
    await expect(page.getByRole("heading", { name: "Set up two-step verification" })).toBeVisible();
    await expectNoSession(page.context());
    // The phone first, since SMS is the default method (seed 000).
    const phone = uniquePhone();
    await page.getByLabel("Phone number").fill(phone.national);
    await page.getByRole("button", { name: "Send code", exact: true }).click();
    await submitVerifyCode(page, await smsCode(page.request, phone.e164));
    await readRecoveryCodes(page);
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    // Required for everyone: the security tab says so and has no switch to turn it off.
    await page.goto("/account/security");
    await expect(secondStepStatus(page)).toHaveText("Your administrator asks every account for a second step when signing in.");
    await expect(page.getByLabel("Ask for a second step when I sign in")).toHaveCount(0);
  } finally {
    // "Everyone" includes the admin: the Manager app asks it for a second step before anything is
    // put back, and the admin's own set-up is undone after.
    const ap = await admin.newPage();
    await passManagerStepUp(ap);
    if (general) await setTwoFactorGeneral(admin, general);
    await setTwoFactorDefaults(admin, before);
    await restoreAdmin(browser, ap);
    await admin.close();
  }
});

test("Enable 2FA lives on the two-factor settings page only", async ({ browser }) => {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  await page.goto("/admin/settings/account");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByLabel("Enable 2FA")).toHaveCount(0);
  await page.goto("/admin/settings/two-factor");
  await expect(page.getByLabel("Enable 2FA")).toHaveCount(1);
  await expect(page.getByRole("group", { name: "Require two-step verification for" })).toBeVisible();
  await ctx.close();
});
