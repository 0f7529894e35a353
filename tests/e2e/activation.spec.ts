// A2 + A3: with automatic activation off, a new account is pending until an admin activates it,
// and the activation letter goes out only then.
import { type Page } from "@playwright/test";
import { expect, test } from "./test";
import { accountRow, adminContext, outbox, signUpAndConfirm, waitForMail } from "./helpers";

const AUTO = "Automatic account activation after creation";

async function setAutomaticActivation(page: Page, on: boolean) {
  await page.goto("/admin/settings/account");
  const box = page.getByLabel(AUTO);
  await box.setChecked(on);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  await page.reload();
  if (on) await expect(page.getByLabel(AUTO)).toBeChecked();
  else await expect(page.getByLabel(AUTO)).not.toBeChecked();
}

test("an admin activates a pending account; the user gets the letter and loses the banner", async ({ browser, page }) => {
  const admin = await adminContext(browser);
  const adminPage = await admin.newPage();
  await setAutomaticActivation(adminPage, false);
  try {
    // The page after sign-up says what comes after the confirmation.
    await page.goto("/signup/check-email?email=someone@example.com");
    await expect(page.getByText(/New accounts then wait for an administrator to activate them/)).toBeVisible();
    const user = await signUpAndConfirm(page, "pending");
    const banner = page.getByRole("region", { name: "Account activation" });
    await expect(banner).toContainText("awaiting activation");
    await expect(page.getByTestId("account-status")).toHaveText(/pending/i);
    // The banner is on every signed-in page, not only the dashboard.
    await page.goto("/account/security");
    await expect(banner).toContainText("awaiting activation");
    // Nothing was activated yet, so no activation letter.
    expect((await outbox(page.request, user.email)).filter((m) => m.subject === "Your Latchkey account is active")).toHaveLength(0);

    await adminPage.goto("/admin/accounts");
    await adminPage.getByLabel("Search").fill(user.email);
    await adminPage.getByRole("button", { name: "Search", exact: true }).click();
    await expect(adminPage).toHaveURL(/[?&]q=/);
    await expect(adminPage.locator(`li[data-email="${user.email}"]`)).toHaveCount(1);
    const row = await accountRow(adminPage, user.email);
    await expect(row.getByTestId("status")).toHaveText(/pending/i);
    await row.getByRole("button", { name: "Activate" }).click();
    await expect(row.getByRole("status")).toHaveText("Account activated.");
    await expect(row.getByTestId("status")).toHaveText(/active/i);

    const letter = await waitForMail(page.request, user.email, /^Your Latchkey account is active$/);
    expect(letter.body).toContain(user.name);

    await page.goto("/dashboard");
    await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
    await expect(banner).toHaveCount(0);
    await expect(page.getByText("awaiting activation")).toHaveCount(0);
    await expect(page.getByTestId("account-status")).toHaveText(/^active$/i);
  } finally {
    // Tests share one server: put the default back.
    await setAutomaticActivation(adminPage, true);
    await admin.close();
  }
});

test("with automatic activation on, a new account is active at once and gets the letter", async ({ page }) => {
  const user = await signUpAndConfirm(page, "auto");
  await expect(page.getByRole("region", { name: "Account activation" })).toHaveCount(0);
  await expect(page.getByTestId("account-status")).toHaveText(/^active$/i);
  await waitForMail(page.request, user.email, /^Your Latchkey account is active$/);
});
