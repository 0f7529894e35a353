// T2/T3/T7: second factors by SMS and by email, read from the dev outbox; the email fallback of
// the sms_then_email policy; T10: a phone-code sign-in is the SMS factor.
import { expect, test } from "./test";
import { accountRow, adminContext, fillLogin, newUser, signOut, signUpAndConfirm } from "./helpers";
import { registerByPhone, smsCode, smsCount, uniquePhone } from "./phone-helpers";
import {
  enrolEmail,
  expectNoSession,
  mailCode,
  mailCount,
  readRecoveryCodes,
  SECURITY_CODE,
  enableTwoFactorIndividually,
  signInToVerify,
  submitVerifyCode,
  turnOnWebTwoFactor,
  wrongCode,
  secondStepStatus,
  ASKED,
  NOT_ASKED,
} from "./two-factor-helpers";

let restore: (() => Promise<void>) | undefined;

test.beforeAll(async ({ browser }) => {
  restore = await enableTwoFactorIndividually(browser, { deliveryPolicy: "sms_then_email" });
});

test.afterAll(async () => {
  if (restore) await restore();
});

test("SMS code: a phone-registered user with SMS as main method signs in with the texted code", async ({ page }) => {
  const user = newUser("sms2fa");
  // The default confirmation mode ("email") asks phone registrations for an address too.
  const phone = await registerByPhone(page, { name: user.name, email: user.email, password: user.password });
  await page.goto("/account/security?open=methods");
  await expect(page.getByRole("region", { name: "Text message (SMS)" })).toContainText("On · codes go to");
  await page.getByLabel("Main method").selectOption("sms");
  await page.getByRole("button", { name: "Save methods" }).click();
  await expect(page.getByText("Your methods are saved.")).toBeVisible();
  await turnOnWebTwoFactor(page);
  await signOut(page);

  await signInToVerify(page, phone.national, user.password);
  await expect(page.getByText("Your account asks for a second step: Text message (SMS).")).toBeVisible();
  await expectNoSession(page.context());
  const before = await smsCount(page.request, phone.e164);
  await page.getByRole("button", { name: "Send code", exact: true }).click();
  await expect(page.getByText(/^We sent a code to /)).toBeVisible();
  const code = await smsCode(page.request, phone.e164, before);
  await submitVerifyCode(page, code);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  await signOut(page);

  // T10: signing in with a phone code is the SMS factor already; no second step follows.
  await page.goto("/login/phone");
  await page.getByLabel("Phone number").fill(phone.national);
  const beforeLogin = await smsCount(page.request, phone.e164);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(/If an account uses/)).toBeVisible();
  const loginCode = await smsCode(page.request, phone.e164, beforeLogin);
  await page.getByLabel("Code").fill(loginCode);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("email code: set up on the security tab, chosen as main method, used at sign-in", async ({ page }) => {
  const user = await signUpAndConfirm(page, "mail2fa");
  const codes = await enrolEmail(page, user.email);
  expect(codes).toHaveLength(10);
  await page.goto("/account/security?open=methods");
  await page.getByLabel("Main method").selectOption("email");
  await page.getByRole("button", { name: "Save methods" }).click();
  await expect(page.getByText("Your methods are saved.")).toBeVisible();
  await turnOnWebTwoFactor(page);
  await signOut(page);

  await signInToVerify(page, user.email, user.password);
  await expect(page.getByText("Your account asks for a second step: Email.")).toBeVisible();
  await expect(page.getByText(`We'll send a code to ${user.email}.`)).toBeVisible();
  await expectNoSession(page.context());
  const before = await mailCount(page.request, user.email, SECURITY_CODE);
  await page.getByRole("button", { name: "Send code", exact: true }).click();
  await expect(page.getByText(`We sent a code to ${user.email}.`)).toBeVisible();
  const code = await mailCode(page.request, user.email, SECURITY_CODE, before);
  // A wrong code first: refused, still no session.
  await submitVerifyCode(page, wrongCode(code));
  await expect(page.getByText("That code is not right. Check it and try again.").first()).toBeVisible();
  await expectNoSession(page.context());
  await submitVerifyCode(page, code);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
});

test("sms_then_email: after one failed SMS code, the code can come by email instead", async ({ page }) => {
  const user = newUser("fallback");
  const phone = await registerByPhone(page, { name: user.name, email: user.email, password: user.password });
  await turnOnWebTwoFactor(page);
  await signOut(page);

  await signInToVerify(page, user.email, user.password);
  await expect(page.getByText("Your account asks for a second step: Text message (SMS).")).toBeVisible();
  const fallback = page.getByRole("button", { name: "Send code by email instead" });
  await expect(fallback).toHaveCount(0);
  const before = await smsCount(page.request, phone.e164);
  await page.getByRole("button", { name: "Send code", exact: true }).click();
  // The answer is applied (or, before the page's scripts run, the form's page has loaded) before typing.
  await expect(page.getByText(/^We sent a code to /)).toBeVisible();
  const sms = await smsCode(page.request, phone.e164, before);
  await submitVerifyCode(page, wrongCode(sms));
  await expect(page.getByText("That code is not right. Check it and try again.").first()).toBeVisible();

  await expect(fallback).toBeVisible();
  const mailsBefore = await mailCount(page.request, user.email, SECURITY_CODE);
  await fallback.click();
  await expect(page.getByText(`We sent a code to ${user.email}.`)).toBeVisible();
  const emailed = await mailCode(page.request, user.email, SECURITY_CODE, mailsBefore);
  await submitVerifyCode(page, emailed);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
});

test("the admin's '2FA in Web app' checkbox: a user without a phone is asked for one, confirmed by the same code", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "forced");
  await page.goto("/account/security");
  await expect(secondStepStatus(page)).toHaveText(NOT_ASKED);
  await signOut(page);

  const admin = await adminContext(browser);
  const ap = await admin.newPage();
  await ap.goto(`/admin/accounts?q=${encodeURIComponent(user.email)}`);
  const row = await accountRow(ap, user.email);
  await expect(row.getByLabel("2FA in Manager app")).toHaveCount(0);
  await row.getByLabel("2FA in Web app").check();
  await row.getByRole("button", { name: `Save rights for ${user.email}` }).click();
  await expect(row.getByText("Rights saved.")).toBeVisible();
  await admin.close();

  // No method set up yet: the first one is set up right after the password (T11). SMS is the
  // default method, so the verify step asks for a phone first, confirmed by the same code (T3).
  await fillLogin(page, user.email, user.password);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await expect(page.getByRole("heading", { name: "Set up two-step verification" })).toBeVisible();
  await expect(page.getByText("Your account asks for a second step each time you sign in. Set one up now: Text message (SMS).")).toBeVisible();
  // Email codes are not offered for an address not set up as a method, only set up (T7).
  await expect(page.getByRole("navigation", { name: "Other methods" }).getByRole("link", { name: "Email" })).toBeVisible();
  await expectNoSession(page.context());
  const phone = uniquePhone();
  await page.getByLabel("Phone number").fill(phone.national);
  await page.getByRole("button", { name: "Send code", exact: true }).click();
  await expect(page.getByText(/^We sent a code to /)).toBeVisible();
  const code = await smsCode(page.request, phone.e164);
  await submitVerifyCode(page, code);
  // The first method brings the 10 recovery codes, shown once before the session opens.
  const codes = await readRecoveryCodes(page);
  expect(codes).toHaveLength(10);
  await expectNoSession(page.context());
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/account/security");
  await expect(page.getByText(`${phone.international} · confirmed`)).toBeVisible();
  await expect(secondStepStatus(page)).toHaveText(ASKED);
});
