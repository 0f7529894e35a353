// Changing the admin's account settings and pending permissions from the Manager app, for the specs that need it.
import { expect, type Browser, type Page } from "@playwright/test";
import { adminContext } from "./helpers";

export const AUTO_PROFILE = "Automatic profile creation from account name";
export const PROFILE_LIMIT = "Limit number of profiles (0 - no limit)";
export const AUTO_ACTIVATION = "Automatic account activation after creation";

/** Opens /admin/settings/account as the admin, applies `change`, saves, and closes the admin's context. */
export async function changeAccountSettings(browser: Browser, change: (page: Page) => Promise<void>) {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  try {
    await page.goto("/admin/settings/account");
    await change(page);
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  } finally {
    await ctx.close();
  }
}

export const setAutomaticProfiles = (browser: Browser, on: boolean) => changeAccountSettings(browser, (p) => p.getByLabel(AUTO_PROFILE).setChecked(on));
export const setProfileLimit = (browser: Browser, limit: number) => changeAccountSettings(browser, (p) => p.getByLabel(PROFILE_LIMIT).fill(String(limit)));
export const setAutomaticActivation = (browser: Browser, on: boolean) => changeAccountSettings(browser, (p) => p.getByLabel(AUTO_ACTIVATION).setChecked(on));

/** Ticks or unticks one action on /admin/settings/permissions. */
export async function setPendingPermission(browser: Browser, label: string, allowed: boolean) {
  const ctx = await adminContext(browser);
  const page = await ctx.newPage();
  try {
    await page.goto("/admin/settings/permissions");
    await page.getByLabel(label).setChecked(allowed);
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    await page.reload();
    if (allowed) await expect(page.getByLabel(label)).toBeChecked();
    else await expect(page.getByLabel(label)).not.toBeChecked();
  } finally {
    await ctx.close();
  }
}
