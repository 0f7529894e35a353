// The proof of work on the signed-out forms that send an SMS (S8): with the keyboard alone — Enter in
// the phone field solves the challenge and submits — and without JavaScript, where the form still
// posts (under the stricter budget for requests without a proof of work).
import { expect, test } from "./test";
import { smsCode, uniquePhone } from "./phone-helpers";

test("keyboard only: typing the number and pressing Enter solves the check and sends the code", async ({ page }) => {
  const phone = uniquePhone();
  await page.goto("/register/phone");
  // The widget is a labelled control that screen readers can reach.
  await expect(page.getByRole("checkbox", { name: /not a robot/i })).toBeVisible();
  await page.getByLabel("Phone number").focus();
  await page.keyboard.type(phone.national);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/step=code/);
  expect(await smsCode(page.request, phone.e164)).toMatch(/^\d{6}$/);
});

test("without JavaScript the form still posts and the code is sent", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const phone = uniquePhone();
    await page.goto("/login/phone");
    await page.getByLabel("Phone number").fill(phone.national);
    await page.getByRole("button", { name: "Send code" }).click();
    // The same answer whether or not the number has an account; the code step follows.
    await expect(page).toHaveURL(/\/login\/phone\?step=code$/);
    await expect(page.getByLabel("Code")).toBeVisible();
  } finally {
    await context.close();
  }
});
