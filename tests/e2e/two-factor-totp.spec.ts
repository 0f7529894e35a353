// T7/T3: the authenticator app (TOTP) with codes from the independent `oathtool`; replays are refused;
// recovery codes are shown once and each works once.
import { expect, test } from "./test";
import { expectPageAccessible } from "./axe";
import { fillLogin, signOut, signUpAndConfirm } from "./helpers";
import {
  enrolEmail,
  enrolTotp,
  expectNoSession,
  freshTotp,
  oathtool,
  readRecoveryCodes,
  requireWebTwoFactor,
  enableTwoFactorIndividually,
  signInToVerify,
  submitVerifyCode,
  turnOnWebTwoFactor,
  wrongCode,
} from "./two-factor-helpers";

const TOTP_LABEL = "Code from your authenticator app";
let restore: (() => Promise<void>) | undefined;

test.beforeAll(async ({ browser }) => {
  restore = await enableTwoFactorIndividually(browser);
});

test.afterAll(async () => {
  if (restore) await restore();
});

test("authenticator app: set up with the shown key, sign in with an oathtool code, the same code is refused later", async ({ page, browser }) => {
  // Enrolment, sign-in and the sign-in after the replay each need their own step (at most one 30-s wait).
  test.setTimeout(180_000);
  const user = await signUpAndConfirm(page, "totp");
  const { secret, step: enrolStep, recoveryCodes } = await enrolTotp(page);
  expect(recoveryCodes).toHaveLength(10);
  await expect(page.getByRole("region", { name: "Authenticator app" })).toContainText("On");
  await turnOnWebTwoFactor(page);
  // The codes are shown once: after a reload only the count remains.
  await page.reload();
  await expect(page.getByRole("list", { name: "Recovery codes" })).toHaveCount(0);
  await expect(page.getByRole("region", { name: "Recovery codes" })).toContainText("10 left");
  await signOut(page);

  await signInToVerify(page, user.email, user.password);
  await expect(page.getByText("Your account asks for a second step: Authenticator app.")).toBeVisible();
  await expectNoSession(page.context());
  const first = await freshTotp(secret, enrolStep);
  await submitVerifyCode(page, first.code, { label: TOTP_LABEL });
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();

  // The same code in another sign-in (another browser) is a replay.
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await signInToVerify(p2, user.email, user.password);
  await submitVerifyCode(p2, first.code, { label: TOTP_LABEL });
  await expect(p2.getByText("This code was already used. Wait for the next one in your app.").first()).toBeVisible();
  await expect(p2).toHaveURL(/\/login\/verify$/);
  await expectNoSession(other);
  // The next code from the app works.
  const next = await freshTotp(secret, first.step);
  await submitVerifyCode(p2, next.code, { label: TOTP_LABEL });
  await expect(p2).toHaveURL(/\/dashboard$/);
  await other.close();
});

test("2FA required with nothing set up: the authenticator app is set up right after the password (T11)", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const user = await signUpAndConfirm(page, "totp-at-sign-in");
  await signOut(page);
  await requireWebTwoFactor(browser, user.email);

  await fillLogin(page, user.email, user.password);
  await expect(page).toHaveURL(/\/login\/verify$/);
  await expect(page.getByRole("heading", { name: "Set up two-step verification" })).toBeVisible();
  await page.getByRole("navigation", { name: "Other methods" }).getByRole("link", { name: "Authenticator app" }).click();
  await expect(page).toHaveURL(/\/login\/verify\?method=totp$/);
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  // A wrong code is refused; the app's current code sets it up.
  const { code, step } = oathtool(secret);
  await page.getByLabel(TOTP_LABEL).fill(wrongCode(code));
  await page.getByRole("button", { name: "Confirm authenticator app" }).click();
  await expect(page.getByText("That code is not right. Check your authenticator app and try again.").first()).toBeVisible();
  await expectNoSession(page.context());
  const current = await freshTotp(secret, step - 1);
  await page.getByLabel(TOTP_LABEL).fill(current.code);
  await page.getByRole("button", { name: "Confirm authenticator app" }).click();
  expect(await readRecoveryCodes(page)).toHaveLength(10);
  await expectPageAccessible(page, "/login/verify (recovery codes after set-up)");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/account/security");
  await expect(page.getByRole("region", { name: "Authenticator app" })).toContainText("On");
  await signOut(page);

  // From now on the app is asked for, not set up again.
  await signInToVerify(page, user.email, user.password);
  await expect(page.getByText("Your account asks for a second step: Authenticator app.")).toBeVisible();
  await expectPageAccessible(page, "/login/verify (authenticator app)");
  const next = await freshTotp(secret, current.step);
  await submitVerifyCode(page, next.code, { label: TOTP_LABEL });
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("a wrong authenticator code is refused and leaves no session", async ({ page }) => {
  const user = await signUpAndConfirm(page, "totpwrong");
  await enrolTotp(page);
  await turnOnWebTwoFactor(page);
  await signOut(page);
  await signInToVerify(page, user.email, user.password);
  await submitVerifyCode(page, "12345", { label: TOTP_LABEL });
  await expect(page.getByText("Enter the 6-digit code from your authenticator app.").first()).toBeVisible();
  await submitVerifyCode(page, "000000", { label: TOTP_LABEL });
  // "000000" could be the right code once in a million runs; then this step would sign in.
  await expect(page.getByText("That code is not right. Check your authenticator app and try again.").first()).toBeVisible();
  await expect(page).toHaveURL(/\/login\/verify$/);
  await expectNoSession(page.context());
});

test("a recovery code signs in once; the same code again is refused", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "recov");
  const codes = await enrolEmail(page, user.email);
  expect(codes).toHaveLength(10);
  await turnOnWebTwoFactor(page);
  await signOut(page);

  await signInToVerify(page, user.email, user.password);
  const others = page.getByRole("navigation", { name: "Other methods" });
  await expect(others.getByRole("heading", { name: "Use another method" })).toBeVisible();
  await others.getByRole("link", { name: "Recovery code" }).click();
  await expect(page).toHaveURL(/\/login\/verify\?method=recovery$/);
  // Typed as people do: upper case, without the dash.
  await submitVerifyCode(page, codes![3]!.toUpperCase().replace("-", ""), { label: "Recovery code" });
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/account/security");
  await expect(page.getByRole("region", { name: "Recovery codes" })).toContainText("9 left");

  const other = await browser.newContext();
  const p2 = await other.newPage();
  await signInToVerify(p2, user.email, user.password);
  await p2.getByRole("navigation", { name: "Other methods" }).getByRole("link", { name: "Recovery code" }).click();
  await submitVerifyCode(p2, codes![3]!, { label: "Recovery code" });
  await expect(p2.getByText("That recovery code is not valid or was already used.").first()).toBeVisible();
  await expect(p2).toHaveURL(/\/login\/verify\?method=recovery$/);
  await expectNoSession(other);
  // Another of the saved codes still works.
  await submitVerifyCode(p2, codes![7]!, { label: "Recovery code" });
  await expect(p2).toHaveURL(/\/dashboard$/);
  await other.close();
});
