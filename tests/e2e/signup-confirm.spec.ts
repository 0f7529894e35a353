// A1 + A4: email sign-up, confirmation by link and by typed code, and a repeated sign-up that reveals nothing.
import { expect, test } from "./test";
import { BASE_URL, confirmationMail, newUser, outbox, signUp, submitAndWait, waitForMail } from "./helpers";

test("sign up, then confirm with the emailed link: signed in on the dashboard without a banner", async ({ page }) => {
  const user = newUser("link");
  await signUp(page, user);
  await expect(page.getByText(user.email)).toBeVisible();

  const { link, mail } = await confirmationMail(page.request, user.email);
  expect(mail.channel).toBe("email");
  expect(link.startsWith(`${BASE_URL}/confirm/email?token=`)).toBe(true);

  // Opening the link changes nothing by itself (B5): the page asks for a POST.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Confirm your email" })).toBeVisible();
  await page.getByRole("button", { name: "Confirm email" }).click();

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  await expect(page.getByText(`${user.email} (confirmed)`)).toBeVisible();
  await expect(page.getByRole("region", { name: "Account confirmation" })).toHaveCount(0);
  await expect(page.getByText(/Please confirm your/)).toHaveCount(0);

  // The link is single use.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This link has expired or was already used" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Send a new link" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Confirm email" })).toHaveCount(0);
});

test("sign up, then type the 6-digit code on the check-email page", async ({ page }) => {
  const user = newUser("code");
  await signUp(page, user);
  const { code } = await confirmationMail(page.request, user.email);

  // A wrong code first: refused next to the field, nothing consumed.
  const wrong = code === "000000" ? "111111" : "000000";
  await page.getByLabel("Code").fill(wrong);
  await submitAndWait(page, page.getByRole("button", { name: "Confirm", exact: true }));
  await expect(page.getByLabel("Code")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/signup\/check-email/);

  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  await expect(page.getByRole("region", { name: "Account confirmation" })).toHaveCount(0);
});

test("signing up again with a registered address shows the same page and warns the owner by email", async ({ page, browser }) => {
  const user = newUser("again");
  await signUp(page, user);
  const first = await confirmationMail(page.request, user.email);

  // Another visitor (fresh browser) uses the same address.
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await signUp(p2, { ...user, name: "Someone Else", password: "Another long passphrase 42" });
  await expect(p2.getByText(user.email)).toBeVisible();
  await expect(p2.getByLabel("Code")).toBeVisible();
  await other.close();

  await waitForMail(page.request, user.email, /^Someone tried to register with your address$/);
  // No second account or confirmation code was made for it.
  const mails = await outbox(page.request, user.email);
  expect(mails.filter((m) => /confirmation code/i.test(m.subject ?? ""))).toHaveLength(1);
  expect(mails.find((m) => /confirmation code/i.test(m.subject ?? ""))!.id).toBe(first.mail.id);
});
