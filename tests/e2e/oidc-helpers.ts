// Shared steps of the OpenID Connect specs: an app registered in the Manager app (its ID and the
// secret shown once), and Latchkey's sign-in form filled on the page the app sent the browser to.
import { expect, type Browser, type Page } from "@playwright/test";
import { adminContext } from "./helpers";

export type RegisteredApp = { clientId: string; clientSecret: string };

/** Registers a confidential app on /admin/clients/new as the shared admin. */
export async function registerApp(browser: Browser, app: { name: string; redirectUri: string; postLogoutUri?: string }): Promise<RegisteredApp> {
  const admin = await adminContext(browser);
  try {
    const page = await admin.newPage();
    await page.goto("/admin/clients/new");
    await page.getByLabel("Name").fill(app.name);
    await page.getByLabel(/^Confidential/).check();
    await page.getByLabel("Redirect URIs", { exact: true }).fill(app.redirectUri);
    if (app.postLogoutUri) await page.getByLabel("Sign-out redirect URIs (optional)").fill(app.postLogoutUri);
    await page.getByRole("button", { name: "Create app" }).click();
    await expect(page.getByText(`"${app.name}" is registered.`)).toBeVisible();
    const clientId = await page.getByLabel("Client ID").inputValue();
    const clientSecret = await page.getByLabel("Client secret").inputValue();
    expect(clientSecret).toMatch(/^lks_/);
    return { clientId, clientSecret };
  } finally {
    await admin.close();
  }
}

/** Fills Latchkey's sign-in form (already open, with the interaction as `next`). */
export async function enterPassword(page: Page, email: string, password: string) {
  await page.getByLabel("Email or phone").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}
