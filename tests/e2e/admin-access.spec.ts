// The Manager app answers 404 to everyone but admins, so its existence is not advertised.
import { expect, test } from "./test";
import { adminContext, signUpAndConfirm } from "./helpers";

const ADMIN_PAGES = ["/admin", "/admin/accounts", "/admin/settings/account"];

test("a signed-in user who is not an admin gets 404 on every Manager page", async ({ page }) => {
  await signUpAndConfirm(page, "noadmin");
  await expect(page.getByRole("link", { name: "Manager" })).toHaveCount(0);
  for (const path of ADMIN_PAGES) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Manager" })).toHaveCount(0);
    await expect(page.getByText("Create an account")).toHaveCount(0);
  }
  // Still signed in: the 404 is not a sign-out.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("a signed-out visitor gets 404 on every Manager page", async ({ page }) => {
  for (const path of ADMIN_PAGES) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
  }
});

test("the admin does see the Manager pages", async ({ browser }) => {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  for (const path of ADMIN_PAGES) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await expect(page.getByRole("navigation", { name: "Manager" })).toBeVisible();
  }
  await expect(page.getByRole("heading", { name: "Account settings", level: 1 })).toBeVisible();
  await ctx.close();
});
