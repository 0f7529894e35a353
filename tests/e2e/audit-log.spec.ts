// The audit log names who acted (T9, seed 001): the admin for settings and account changes, the
// user for their own changes, with the account affected in its own column; actions in words; the
// action filter is a list; the CSV export carries the same columns.
import { expect, test } from "./test";
import { accountRow, ADMIN_EMAIL, adminContext, signUpAndConfirm } from "./helpers";
import { setTwoFactorDefaults } from "./two-factor-helpers";

test("entries name the admin who acted and the account affected", async ({ page, browser }) => {
  const user = await signUpAndConfirm(page, "audited");
  const before = await setTwoFactorDefaults(browser, { defaultMethod: "email" });
  await setTwoFactorDefaults(browser, before);

  const ctx = await adminContext(browser);
  try {
    const ap = await ctx.newPage();
    // The admin switches the account's Web app second step off, then on.
    await ap.goto(`/admin/accounts?q=${encodeURIComponent(user.email)}`);
    const row = await accountRow(ap, user.email);
    const web = row.getByLabel("2FA in Web app");
    await web.setChecked(!(await web.isChecked()));
    await row.getByRole("button", { name: `Save rights for ${user.email}` }).click();
    await expect(row.getByText("Rights saved.")).toBeVisible();
    const turnedOn = await web.isChecked();

    await ap.goto(`/admin/audit-log?user=${encodeURIComponent(user.email)}`);
    const entry = ap
      .getByRole("row")
      .filter({ hasText: turnedOn ? "Two-step verification turned on (Web app)" : "Two-step verification turned off (Web app)" })
      .first();
    await expect(entry).toBeVisible();
    const cells = entry.getByRole("cell");
    await expect(cells.nth(0)).toContainText(ADMIN_EMAIL);
    await expect(cells.nth(1)).toContainText(user.email);

    // A settings change: the admin, no account affected.
    await ap.goto("/admin/audit-log");
    await ap.getByLabel("Action").selectOption({ label: "Settings changed" });
    await ap.getByRole("button", { name: "Filter" }).click();
    await expect(ap).toHaveURL(/action=settings\.changed/);
    const settings = ap.getByRole("row").filter({ hasText: "Settings changed (Two-factor)" }).first();
    await expect(settings.getByRole("cell").nth(0)).toContainText(ADMIN_EMAIL);
    await expect(settings.getByRole("cell").nth(1)).toHaveText("");

    // The user's own sign-up: the user, with no separate account column.
    await ap.goto(`/admin/audit-log?action=account.created&user=${encodeURIComponent(user.email)}`);
    const created = ap.getByRole("row").filter({ hasText: "Account created" }).first();
    await expect(created.getByRole("cell").nth(0)).toContainText(user.email);
    await expect(created.getByRole("cell").nth(1)).toHaveText("");

    // The CSV carries the same columns.
    const csv = await ap.request.get(`/admin/audit-log/export?user=${encodeURIComponent(user.email)}`);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe('"User","Account affected","Action","Time","Details","Action name","IP"');
    expect(lines.some((l) => l.startsWith(`"`) && l.includes(ADMIN_EMAIL) && l.includes(user.email) && l.includes("Two-step verification turned"))).toBe(true);
  } finally {
    await ctx.close();
  }
});

test("the audit log's retention is a Manager setting: shown, checked, saved and audited", async ({ browser }) => {
  const ctx = await adminContext(browser);
  try {
    const ap = await ctx.newPage();
    await ap.goto("/admin/settings/audit-log");
    await expect(ap.getByRole("heading", { name: "Audit log settings" })).toBeVisible();
    const days = ap.getByLabel("Keep audit log entries for (days)");
    const before = await days.inputValue();
    expect(Number(before)).toBeGreaterThanOrEqual(30);

    await days.fill("7");
    await ap.getByRole("button", { name: "Save settings" }).click();
    await expect(ap.getByText("Keep entries for at least 30 days.")).toBeVisible();
    await expect(ap.getByLabel("Keep audit log entries for (days)")).toHaveAttribute("aria-invalid", "true");

    const next = before === "400" ? "401" : "400";
    await ap.getByLabel("Keep audit log entries for (days)").fill(next);
    await ap.getByRole("button", { name: "Save settings" }).click();
    await expect(ap.getByText("Settings saved.")).toBeVisible();
    await ap.reload();
    await expect(ap.getByLabel("Keep audit log entries for (days)")).toHaveValue(next);

    await ap.goto("/admin/audit-log");
    await ap.getByLabel("Action").selectOption({ label: "Settings changed" });
    await ap.getByRole("button", { name: "Filter" }).click();
    await expect(ap.getByRole("row").filter({ hasText: "Settings changed (Audit log)" }).first()).toBeVisible();

    await ap.goto("/admin/settings/audit-log");
    await ap.getByLabel("Keep audit log entries for (days)").fill(before);
    await ap.getByRole("button", { name: "Save settings" }).click();
    await expect(ap.getByText("Settings saved.")).toBeVisible();
  } finally {
    await ctx.close();
  }
});
