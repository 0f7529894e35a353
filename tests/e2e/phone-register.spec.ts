// P1: register with a phone number; the account has a confirmed phone and follows the email confirmation mode.
import { expect, test } from "./test";
import { confirmationMail, newUser } from "./helpers";
import { registerByPhone, smsCode, uniquePhone } from "./phone-helpers";

test("register with a phone code, then name and email: signed in with a confirmed phone", async ({ page }) => {
  const user = newUser("phonereg");
  const phone = await registerByPhone(page, { name: user.name, email: user.email });
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  // The email given here follows the confirmation mode (email by default): a code was sent and the banner shows.
  await confirmationMail(page.request, user.email);
  await expect(page.getByRole("region", { name: "Account confirmation" })).toBeVisible();
  await page.goto("/account/security");
  await expect(page.getByText(`${phone.international} · confirmed`)).toBeVisible();
});

test("a wrong code is refused next to the field and the right one still works", async ({ page }) => {
  const phone = uniquePhone();
  await page.goto("/register/phone");
  await page.getByLabel("Phone number").fill(phone.national);
  await page.getByRole("button", { name: "Send code" }).click();
  const code = await smsCode(page.request, phone.e164);
  await page.getByLabel("Code").fill(code === "123456" ? "654321" : "123456");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByLabel("Code")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("That code is not right. Check it and try again.").first()).toBeVisible();
  await page.getByLabel("Code").fill("12ab56");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("Enter the 6-digit code, digits only.").first()).toBeVisible();
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/step=details/);
});

test("invalid, short and landline numbers get their own messages; nothing is sent", async ({ page }) => {
  await page.goto("/register/phone");
  const cases: Array<[string, RegExp]> = [
    ["12", /too short/],
    ["call me maybe", /digits only/],
    ["+44 20 7946 0958", /cannot receive text messages|can't send text messages to this country/],
    ["+49 1512 3456789", /can't send text messages to this country/],
  ];
  for (const [input, message] of cases) {
    await page.getByLabel("Phone number").fill(input);
    await page.getByRole("button", { name: "Send code" }).click();
    await expect(page.getByText(message).first()).toBeVisible();
    await expect(page).not.toHaveURL(/step=code/);
  }
});
