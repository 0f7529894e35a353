// A9: an admin schedules the blocking of an account; a past date is refused; from the date on the
// user's session ends and sign-in is refused with "This account was blocked on DATE".
import { expect, test } from "./test";
import { accountRow, adminContext, fillLogin, signUpAndConfirm } from "./helpers";

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const readable = (d: string) =>
  new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${d}T00:00:00Z`));

test("a blocking date: past dates refused, set and cleared, and from the date on sign-in is refused", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "blockdate");
  const admin = await adminContext(browser);
  const adminPage = await admin.newPage();
  try {
    await adminPage.goto(`/admin/accounts?q=${encodeURIComponent(user.email)}`);
    const row = await accountRow(adminPage, user.email);
    const date = row.getByLabel("Blocking date");

    await date.fill(day(-1));
    await row.getByRole("button", { name: `Set date for ${user.email}` }).click();
    await expect(row.getByRole("alert")).toHaveText("The blocking date cannot be in the past. Choose today or a later date.");
    await expect(row.getByLabel("Blocking date")).toHaveAttribute("aria-invalid", "true");

    const later = day(10);
    await row.getByLabel("Blocking date").fill(later);
    await row.getByRole("button", { name: `Set date for ${user.email}` }).click();
    await expect(row.getByRole("status").filter({ hasText: "Blocking date set" })).toHaveText(`Blocking date set to ${readable(later)}.`);
    await expect(row.getByTestId("blocking-date")).toHaveText(`Blocks on ${readable(later)}`);
    // Before the date the user notices nothing.
    await page.goto("/dashboard");
    await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();

    await row.getByRole("button", { name: `Clear date for ${user.email}` }).click();
    await expect(row.getByTestId("blocking-date")).toHaveCount(0);

    // The date has come: today.
    const today = day(0);
    await row.getByLabel("Blocking date").fill(today);
    await row.getByRole("button", { name: `Set date for ${user.email}` }).click();
    await expect(row.getByTestId("blocking-date")).toHaveText(`Blocked since ${readable(today)}`);
  } finally {
    await admin.close();
  }

  // The open session has ended…
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login$/);
  // …and signing in again is refused with the date.
  await fillLogin(page, user.email, user.password);
  await expect(page.getByRole("alert").filter({ hasText: "blocked" })).toHaveText(
    `This account was blocked on ${readable(day(0))}. Contact your administrator.`,
  );
  await expect(page).toHaveURL(/\/login$/);
});
