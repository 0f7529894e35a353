// T6/T3: two-step verification for the Manager app only. Signing in enters the Web app without a
// second step; opening the Manager app then asks for one ("Verify it's you"), once per session.
//
// There is no UI to make a second admin, so this uses the admin from the environment, whose saved
// session the other specs share. The admin's changes (email codes set up, "2FA in Manager app"
// ticked) are undone in `finally`, also when the test fails half-way.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, adminContext, fillLogin } from "./helpers";
import { enrolEmail, mailCode, mailCount, SECURITY_CODE, sendCodeRespectingCooldown, setTwoFactorGeneral, type TwoFactorGeneral } from "./two-factor-helpers";

let previous: TwoFactorGeneral | undefined;

test.beforeAll(async ({ browser }) => {
  previous = await setTwoFactorGeneral(browser, { enable2fa: true });
});

test.afterAll(async ({ browser }) => {
  if (previous) await setTwoFactorGeneral(browser, previous);
});

const adminRow = (page: Page) => page.locator(`tr[data-email="${ADMIN_EMAIL}"]`);

/** Passes the Manager app's second step with an emailed code, if it is asked for. */
async function passManagerStepUp(page: Page) {
  await page.goto("/admin/accounts");
  if (!/\/login\/verify/.test(page.url())) return;
  const cont = page.getByRole("button", { name: "Continue" });
  if (await page.getByRole("heading", { name: "Verify it's you" }).isVisible()) {
    await cont.click();
    await expect(page.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
  }
  if (!(await page.getByText("asks for a second step: Email.").isVisible())) {
    await page.getByRole("navigation", { name: "Other methods" }).getByRole("link", { name: "Email", exact: true }).click();
  }
  const before = await mailCount(page.request, ADMIN_EMAIL, SECURITY_CODE);
  await sendCodeRespectingCooldown(page, `We sent a code to ${ADMIN_EMAIL}.`);
  const code = await mailCode(page.request, ADMIN_EMAIL, SECURITY_CODE, before);
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/admin\/accounts$/);
}

/** Puts the admin back as it was: no Manager-app 2FA, no email codes. */
async function restoreAdmin(browser: Browser, page?: Page) {
  const ctx = page ? null : await adminContext(browser);
  const p = page ?? (await ctx!.newPage());
  try {
    await passManagerStepUp(p);
    await p.goto(`/admin/accounts?q=${encodeURIComponent(ADMIN_EMAIL)}`);
    const manager = adminRow(p).getByLabel("2FA in Manager app");
    if (await manager.isChecked()) {
      await manager.uncheck();
      await adminRow(p).getByRole("button", { name: `Save rights for ${ADMIN_EMAIL}` }).click();
      await expect(adminRow(p).getByText("Rights saved.")).toBeVisible();
    }
    await p.goto("/account/security");
    const remove = p.getByRole("button", { name: "Remove email codes" });
    if (await remove.isVisible()) {
      await remove.click();
      await expect(p.getByRole("heading", { name: "Email codes", exact: true })).toBeVisible();
    }
  } finally {
    await ctx?.close();
  }
}

test("Manager-app-only 2FA: sign-in lands on the dashboard; the Manager app asks for the second step", async ({ browser }) => {
  test.setTimeout(120_000);
  const a = await adminContext(browser);
  const ap = await a.newPage();
  const b = await browser.newContext();
  const bp = await b.newPage();
  let verified = false;
  try {
    // The admin sets up email codes, then ticks "2FA in Manager app" (only) on the own account row.
    await enrolEmail(ap, ADMIN_EMAIL);
    await ap.goto(`/admin/accounts?q=${encodeURIComponent(ADMIN_EMAIL)}`);
    const row = adminRow(ap);
    await expect(row.getByLabel("2FA in Web app")).not.toBeChecked();
    await row.getByLabel("2FA in Manager app").check();
    await row.getByRole("button", { name: `Save rights for ${ADMIN_EMAIL}` }).click();
    // The session that made the change has not passed a second factor: the Manager app now asks for it.
    await expect(row.getByText("Rights saved.").or(ap.getByRole("heading", { name: "Verify it's you" }))).toBeVisible();
    await ap.goto("/admin/accounts");
    await expect(ap).toHaveURL(/\/login\/verify$/);
    await expect(ap.getByRole("heading", { name: "Verify it's you" })).toBeVisible();

    // A fresh sign-in: no second step for the Web app.
    await fillLogin(bp, ADMIN_EMAIL, ADMIN_PASSWORD);
    await expect(bp).toHaveURL(/\/dashboard$/);
    await bp.goto("/account/security");
    await expect(bp.getByText("Second step for the Manager app: on")).toBeVisible();
    await expect(bp.getByText("Second step when signing in: off")).toBeVisible();

    // The Manager app asks.
    await bp.goto("/admin/accounts");
    await expect(bp).toHaveURL(/\/login\/verify$/);
    await expect(bp.getByRole("heading", { name: "Verify it's you" })).toBeVisible();
    await expect(bp.getByRole("navigation", { name: "Manager" })).toHaveCount(0);
    await bp.getByRole("button", { name: "Continue" }).click();
    await expect(bp.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
    await expect(bp.getByText("The Manager app asks for a second step: Email.")).toBeVisible();
    // Still signed in to the Web app meanwhile.
    const probe = await b.newPage();
    await probe.goto("/dashboard");
    await expect(probe).toHaveURL(/\/dashboard$/);
    await probe.goto("/admin/settings/two-factor");
    await expect(probe).toHaveURL(/\/login\/verify$/);
    await probe.close();

    const before = await mailCount(bp.request, ADMIN_EMAIL, SECURITY_CODE);
    await sendCodeRespectingCooldown(bp, `We sent a code to ${ADMIN_EMAIL}.`);
    const code = await mailCode(bp.request, ADMIN_EMAIL, SECURITY_CODE, before);
    await bp.getByLabel("Code", { exact: true }).fill(code);
    await bp.getByRole("button", { name: "Verify" }).click();
    await expect(bp).toHaveURL(/\/admin\/accounts$/);
    await expect(bp.getByRole("navigation", { name: "Manager" })).toBeVisible();
    await expect(bp.getByRole("heading", { name: "Accounts" })).toBeVisible();
    verified = true;
    // Once per session: other Manager pages open without asking again.
    await bp.goto("/admin/settings/two-factor");
    await expect(bp.getByRole("heading", { name: "Settings › Two-factor authentication" })).toBeVisible();
  } finally {
    await restoreAdmin(browser, verified ? bp : undefined);
    await b.close();
    await a.close();
  }

  // The shared admin session works again without a second step.
  const again = await adminContext(browser);
  const res = await again.request.get("/admin/accounts", { maxRedirects: 0 });
  expect(res.status()).toBe(200);
  await again.close();
});
