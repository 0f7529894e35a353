// P2: sign in with an SMS code; the page says the same for unknown numbers and sends nothing to them.
import { expect, test } from "./test";
import { newUser, signOut, submitAndWait } from "./helpers";
import { registerByPhone, smsCode, smsCount, uniquePhone } from "./phone-helpers";

test("sign in with a phone code from /login", async ({ page }) => {
  const user = newUser("phonelogin");
  const phone = await registerByPhone(page, { name: user.name, email: user.email });
  await signOut(page);
  const before = await smsCount(page.request, phone.e164);

  await page.goto("/login");
  await page.getByRole("link", { name: "Sign in with a phone code" }).click();
  await expect(page).toHaveURL(/\/login\/phone/);
  await page.getByLabel("Phone number").fill(phone.national);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(/If an account uses/)).toBeVisible();
  const code = await smsCode(page.request, phone.e164, before);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
});

test("an unknown number sees the same page and no SMS is sent", async ({ page }) => {
  const phone = uniquePhone();
  await page.goto("/login/phone");
  await page.getByLabel("Phone number").fill(phone.national);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(/If an account uses/)).toBeVisible();
  await expect(page.getByLabel("Code")).toBeVisible();
  // Any code is refused with the same words a wrong code gets.
  await page.getByLabel("Code").fill("123456");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("That code is not right. Check it and try again.").first()).toBeVisible();
  expect(await smsCount(page.request, phone.e164)).toBe(0);
});

test("asking again within 30 seconds: the button counts down and the server refuses with a wait message; five wrong codes lock that code", async ({ page }) => {
  const user = newUser("phonelimit");
  const phone = await registerByPhone(page, { name: user.name, email: user.email });
  await signOut(page);
  await page.goto("/login/phone");
  await page.getByLabel("Phone number").fill(phone.national);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByLabel("Code")).toBeVisible();
  // The cooldown's end comes from the server: the button is disabled and counts down, also after a reload.
  const resend = page.getByRole("button", { name: /^Send a new code/ });
  await expect(resend).toHaveText(/^Send a new code in \d+ s$/);
  await expect(resend).toBeDisabled();
  await page.reload();
  await expect(resend).toHaveText(/^Send a new code in \d+ s$/);
  const first = Number((await resend.textContent())!.match(/(\d+) s$/)![1]);
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThanOrEqual(30);
  // A request made anyway (a page without JavaScript) is refused with how long to wait, never "we sent".
  await resend.evaluate((b) => (b as HTMLButtonElement).form!.requestSubmit());
  await expect(page.getByText(/Please wait \d+ seconds? before asking for a new code\./).first()).toBeVisible();
  await expect(page.getByText(/we sent a new code/)).toHaveCount(0);
  await expect(resend).toBeDisabled();
  await expect(resend).toHaveText(/^Send a new code in \d+ s$/);

  const code = await smsCode(page.request, phone.e164, 1);
  const wrong = code === "000000" ? "111111" : "000000";
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("Code").fill(wrong);
    // One submission at a time: wait until each answer is applied (and the form reset done) before the next try.
    await submitAndWait(page, page.getByRole("button", { name: "Sign in", exact: true }));
    await expect(page.getByText("That code is not right. Check it and try again.").first()).toBeVisible();
  }
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Too many wrong tries for this code. Ask for a new code.").first()).toBeVisible();
  await expect(page).toHaveURL(/\/login\/phone/);
});
