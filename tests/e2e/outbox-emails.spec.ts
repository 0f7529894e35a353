// Emails look like the product: one HTML layout with the site's name (a setting) and the configured
// address, a text part beside it; /dev/outbox shows both, with clickable links.
import { expect, test } from "./test";
import { BASE_URL, newUser, signUp, waitForMail } from "./helpers";
import { changeAccountSettings } from "./account-settings-helpers";

test("the outbox shows an email's text with live links and its HTML in the site's layout", async ({ page }) => {
  const user = newUser("outbox");
  await signUp(page, user);
  const mail = await waitForMail(page.request, user.email, /confirmation code/i);
  // The text part ends with the site's name and address.
  expect(mail.body.trim().split("\n").at(-1)).toBe(`Latchkey · ${BASE_URL}/`);

  await page.goto(`/dev/outbox?to=${encodeURIComponent(user.email)}`);
  const message = page.getByRole("listitem").filter({ hasText: mail.subject ?? "" });
  const link = message.getByRole("link", { name: /\/confirm\/email\?token=/ });
  await expect(link).toHaveAttribute("href", new RegExp(`^${BASE_URL}/confirm/email\\?token=`));

  // The HTML version, in a sandboxed frame: the layout's header, heading, code and button.
  const frame = message.locator("iframe");
  await expect(frame).toHaveAttribute("sandbox", /allow-popups/);
  await expect(frame).toHaveAttribute("title", /^HTML version of message \d+: Your Latchkey confirmation code/);
  const html = page.frameLocator(`iframe[title^="HTML version of message"]`).first();
  await expect(html.getByRole("heading", { name: "Confirm your email address" })).toBeVisible();
  await expect(html.getByRole("link", { name: "Latchkey", exact: true })).toBeVisible();
  await expect(html.getByRole("link", { name: "Confirm email" })).toHaveAttribute("href", /\/confirm\/email\?token=/);

  // The text's link opens the confirmation page.
  await link.click();
  await expect(page.getByRole("heading", { name: "Confirm your email" })).toBeVisible();
});

test("the site name setting names the site in emails", async ({ page, browser }) => {
  await changeAccountSettings(browser, (p) => p.getByLabel("Site name").fill("Acme Accounts"));
  try {
    const user = newUser("sitename");
    await signUp(page, user);
    const mail = await waitForMail(page.request, user.email, /confirmation code/i);
    expect(mail.subject).toMatch(/^Your Acme Accounts confirmation code: \d{6}$/);
    expect(mail.body).toContain(`Acme Accounts · ${BASE_URL}/`);
  } finally {
    await changeAccountSettings(browser, (p) => p.getByLabel("Site name").fill("Latchkey"));
  }
});
