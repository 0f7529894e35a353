// A7: changing the password ends every other session; "Sign out of all other sessions" does too.
import { type Page } from "@playwright/test";
import { expect, test } from "./test";
import { fillLogin, signIn, signUpAndConfirm, strongPassword } from "./helpers";

async function expectSignedOut(page: Page) {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login$/);
}

async function expectSignedIn(page: Page) {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: /^Welcome, / })).toBeVisible();
}

test("a password change signs out the other session, keeps this one, and the new password works", async ({ page: a, browser }) => {
  const user = await signUpAndConfirm(a, "pw");

  const ctxB = await browser.newContext();
  const b = await ctxB.newPage();
  await signIn(b, user.email, user.password);

  const next = strongPassword();
  await a.goto("/account/security?open=password");
  await a.getByLabel("Current password").fill(user.password);
  await a.getByLabel("New password", { exact: true }).fill(next);
  await a.getByLabel("Confirm new password").fill(next);
  await a.getByRole("button", { name: "Change password" }).click();
  await expect(a.getByRole("status").filter({ hasText: "Your password was changed." })).toBeVisible();
  await expect(a.getByLabel("Current password")).toHaveValue("");
  await expect(a.getByLabel("New password", { exact: true })).toHaveValue("");

  // B is out on its next navigation; A is still in.
  await expectSignedOut(b);
  await expectSignedIn(a);

  // The old password no longer works, the new one does.
  await fillLogin(b, user.email, user.password);
  await expect(b.getByRole("main").getByRole("alert")).toHaveText("The email, phone or password is not right.");
  await signIn(b, user.email, next);
  await expectSignedIn(b);

  await expect
    .poll(async () =>
      (await a.request.get(`/api/dev/outbox?to=${encodeURIComponent(user.email)}`).then((r) => r.json())).map((m: { subject: string }) => m.subject),
    )
    .toContain("Your Latchkey password was changed");
  await ctxB.close();
});

test("a wrong current password changes nothing", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "pwwrong");
  await page.goto("/account/security?open=password");
  await page.getByLabel("Current password").fill(`${user.password}!`);
  const next = strongPassword();
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Confirm new password").fill(next);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Your current password is not right.").first()).toBeVisible();

  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await signIn(p, user.email, user.password);
  await ctx.close();
});

test("'Sign out of all other sessions' ends another browser's session", async ({ page: a, browser }) => {
  const user = await signUpAndConfirm(a, "others");
  const ctxB = await browser.newContext();
  const b = await ctxB.newPage();
  await signIn(b, user.email, user.password);

  await a.goto("/account/security?open=sessions");
  const sessions = a.getByRole("list", { name: "Active sessions" }).getByRole("listitem");
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: "This device" })).toHaveCount(1);
  await a.getByRole("button", { name: "Sign out of all other sessions" }).click();
  await expect(a.getByRole("status").filter({ hasText: "1 other session was signed out." })).toBeVisible();
  await expect(sessions).toHaveCount(1);

  await expectSignedOut(b);
  await expectSignedIn(a);
  await ctxB.close();
});
