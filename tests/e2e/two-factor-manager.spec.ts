// T6/T3: two-step verification for the Manager app only. Signing in enters the Web app without a
// second step; opening the Manager app then asks for one ("Verify it's you"), once per session.
//
// There is no UI to make a second admin, so this uses the admin from the environment, whose saved
// session the other specs share. The admin's changes (email codes set up, "2FA in Manager app"
// ticked) are undone in `finally`, also when the test fails half-way.
import { expect, test } from "./test";
import { accountRow, ADMIN_EMAIL, ADMIN_PASSWORD, adminContext, fillLogin } from "./helpers";
import {
  enrolEmail,
  mailCode,
  mailCount,
  NOT_ASKED,
  restoreAdmin,
  SECURITY_CODE,
  secondStepStatus,
  sendCodeRespectingCooldown,
  enableTwoFactorIndividually,
} from "./two-factor-helpers";

let restore: (() => Promise<void>) | undefined;

test.beforeAll(async ({ browser }) => {
  restore = await enableTwoFactorIndividually(browser);
});

test.afterAll(async () => {
  if (restore) await restore();
});

test("Manager-app-only 2FA: sign-in lands on the dashboard; the Manager app asks for the second step", async ({ browser }) => {
  test.setTimeout(120_000);
  const a = await adminContext(browser);
  const ap = await a.newPage();
  const b = await browser.newContext();
  const bp = await b.newPage();
  let verified = false;
  try {
    // The admin sets up email codes — the first method turns the Web app's second step on — then,
    // on the own account row, leaves only "2FA in Manager app" ticked.
    await enrolEmail(ap, ADMIN_EMAIL);
    await ap.goto(`/admin/accounts?q=${encodeURIComponent(ADMIN_EMAIL)}`);
    const row = await accountRow(ap, ADMIN_EMAIL);
    await expect(row.getByLabel("2FA in Web app")).toBeChecked();
    await row.getByLabel("2FA in Web app").uncheck();
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
    await expect(bp.getByLabel("Ask for a second step when I open the Manager app")).toBeChecked();
    await expect(secondStepStatus(bp)).toHaveText(NOT_ASKED);

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
    // The Manager app opens on its overview.
    await expect(bp).toHaveURL(/\/admin$/);
    await expect(bp.getByRole("navigation", { name: "Manager" })).toBeVisible();
    await expect(bp.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
    verified = true;
    // Once per session: other Manager pages open without asking again.
    await bp.goto("/admin/settings/two-factor");
    await expect(bp.getByRole("heading", { name: "Two-factor authentication", exact: true })).toBeVisible();
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
