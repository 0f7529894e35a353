// A8: password recovery by email (link and code) and by SMS; ends every session; reveals no account.
import { expect, test } from "./test";
import { fillLogin, newUser, outbox, signIn, signUpAndConfirm, startRecoveryByEmail, strongPassword, uniqueEmail } from "./helpers";
import { registerByPhone, setConfirmationMode, smsCode } from "./phone-helpers";

async function choosePassword(page: import("@playwright/test").Page, password: string) {
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Confirm new password").fill(password);
  await page.getByRole("button", { name: "Set new password" }).click();
}

test("by email link: new password works, the old one and the old session do not", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "recoverlink");
  const other = await browser.newContext();
  const p2 = await other.newPage();
  const mail = await startRecoveryByEmail(p2, user.email);
  const link = mail.body.match(/https?:\/\/\S+\/recover\/reset\?token=\S+/)?.[0];
  expect(link).toBeTruthy();
  const res = await p2.goto(link!);
  expect(res?.headers()["referrer-policy"]).toBe("no-referrer");
  const password = strongPassword();
  await choosePassword(p2, password);
  await expect(p2).toHaveURL(/\/login\?reset=1/);
  await expect(p2.getByText("Your password was changed. Sign in with the new one.")).toBeVisible();

  // The session that was open elsewhere has ended.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/);
  await fillLogin(p2, user.email, user.password);
  await expect(p2.getByText("The email, phone or password is not right.")).toBeVisible();
  await signIn(p2, user.email, password);
  await other.close();
});

test("by emailed code, with a mismatch and a weak password refused before the code is used", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "recovercode");
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const mail = await startRecoveryByEmail(p, user.email);
  const code = mail.body.match(/\b(\d{6})\b/)![1]!;
  // A mismatch is shown next to the field it concerns, and the code is not used.
  await p.getByLabel("Code").fill(code);
  await p.getByLabel("New password", { exact: true }).fill(strongPassword());
  await p.getByLabel("Confirm new password").fill(strongPassword());
  await p.getByRole("button", { name: "Set new password" }).click();
  await expect(p.getByLabel("Confirm new password")).toHaveAccessibleDescription(/The two new passwords do not match/);
  await p.getByLabel("Code").fill(code);
  await p.getByLabel("New password", { exact: true }).fill("password123");
  await p.getByLabel("Confirm new password").fill("password123");
  await p.getByRole("button", { name: "Set new password" }).click();
  await expect(p.getByLabel("New password", { exact: true })).toHaveAccessibleDescription(/too common/);
  await p.getByLabel("Code").fill(code);
  const password = strongPassword();
  await choosePassword(p, password);
  await expect(p).toHaveURL(/\/login\?reset=1/);
  await signIn(p, user.email, password);
  await ctx.close();
});

test("an unknown address sees the same page and gets no email", async ({ page }) => {
  const email = uniqueEmail("nobody");
  await page.goto("/recover");
  await page.getByLabel(/^Email/).fill(email);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(/If an account matches/)).toBeVisible();
  await expect(page.getByLabel("Code")).toBeVisible();
  expect(await outbox(page.request, email)).toHaveLength(0);
});

test("by SMS code when phone confirmation is on", async ({ page, browser }) => {
  const previous = await setConfirmationMode(browser, "phone");
  try {
    const user = newUser("recoversms");
    const phone = await registerByPhone(page, { name: user.name, email: user.email, password: strongPassword() });
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto("/recover");
    await p.getByLabel("Email or phone").fill(phone.national);
    await p.getByRole("button", { name: "Send code" }).click();
    await expect(p.getByText(/by SMS/)).toBeVisible();
    const code = await smsCode(p.request, phone.e164, 1);
    await p.getByLabel("Code").fill(code);
    const password = strongPassword();
    await choosePassword(p, password);
    await expect(p).toHaveURL(/\/login\?reset=1/);
    await signIn(p, phone.national, password);
    await ctx.close();
  } finally {
    await setConfirmationMode(browser, previous as "email");
  }
});
