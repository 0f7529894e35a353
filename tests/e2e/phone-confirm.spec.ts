// A4 (phone) + P3: with confirmation by phone, the banner stays until a unique phone is confirmed by code.
import { expect, test } from "./test";
import { newUser, signUp, confirmByLink, waitForMail } from "./helpers";
import { registerByPhone, setConfirmationMode, smsCode, smsCount, uniquePhone } from "./phone-helpers";

test.describe.configure({ mode: "serial" });

let previous = "email";
test.beforeAll(async ({ browser }) => {
  previous = await setConfirmationMode(browser, "both");
});
test.afterAll(async ({ browser }) => {
  await setConfirmationMode(browser, previous as "email");
});

test("email confirmed but phone missing: banner until the phone is confirmed by SMS code", async ({ page, browser }) => {
  const user = newUser("confirmphone");
  await signUp(page, user);
  await confirmByLink(page, user.email);
  const banner = page.getByRole("region", { name: "Account confirmation" });
  await expect(banner).toContainText("phone number");
  await banner.getByRole("link", { name: "Confirm now" }).click();
  await expect(page).toHaveURL(/\/confirm$/);

  // A number already confirmed by another account gets the same answer as a free one, but no SMS:
  // its owner is told by email instead (the page reveals nothing about other accounts).
  const otherCtx = await browser.newContext();
  const other = await otherCtx.newPage();
  const owner = newUser("owner");
  const taken = await registerByPhone(other, { name: "Other Owner", email: owner.email });
  await otherCtx.close();
  const smsBefore = await smsCount(page.request, taken.e164);
  await page.getByLabel("Phone number").fill(taken.national);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(`We sent a code to ${taken.international}`)).toBeVisible();
  await waitForMail(page.request, owner.email, /Someone tried to add your phone number/);
  expect(await smsCount(page.request, taken.e164)).toBe(smsBefore);
  await page.getByRole("button", { name: "Use a different number" }).click();

  const phone = uniquePhone();
  await page.getByLabel("Phone number").fill(phone.national);
  await page.getByRole("button", { name: "Send code" }).click();
  const code = await smsCode(page.request, phone.e164);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Confirm phone" }).click();
  await expect(page.getByText("Your account is confirmed.")).toBeVisible();
  await page.goto("/dashboard");
  await expect(page.getByRole("region", { name: "Account confirmation" })).toHaveCount(0);
});

test("switching the mode applies at once to existing accounts", async ({ page, browser }) => {
  // Registered by phone without an email: under "both" the banner asks for the email too.
  await registerByPhone(page, { name: "Phone Only", email: newUser("both").email });
  await expect(page.getByRole("region", { name: "Account confirmation" })).toContainText("email address");
  await setConfirmationMode(browser, "phone");
  await page.reload();
  await expect(page.getByRole("region", { name: "Account confirmation" })).toHaveCount(0);
  await setConfirmationMode(browser, "both");
});

test("changing the phone on the security page is confirmed by a code", async ({ page }) => {
  const user = newUser("changephone");
  await registerByPhone(page, { name: user.name, email: user.email });
  await page.goto("/account/security?open=phone");
  const next = uniquePhone();
  await page.getByLabel("Phone number").fill(next.national);
  await page.getByRole("button", { name: "Send SMS" }).click();
  const code = await smsCode(page.request, next.e164);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Confirm phone" }).click();
  await expect(page.getByText("Your phone number is confirmed.")).toBeVisible();
  await page.reload();
  await expect(page.getByText(`${next.international} · confirmed`)).toBeVisible();
});
