// The audit log (T9, seed 001): every entry names who acted — an admin, the user, the system or a
// visitor — and, where different, the account affected; actions read as words; filters by user,
// action and date.
import { describe, expect, it } from "vitest";
import { activateAccount } from "@/lib/accounts/activation";
import { checkPassword } from "@/lib/accounts/password";
import { getUser } from "@/lib/accounts/queries";
import { signUpWithEmail } from "@/lib/accounts/sign-up";
import { listAudit } from "@/lib/audit";
import { actionLabel, AUDIT_ACTION_OPTIONS } from "@/lib/audit/actions";
import { auditFilterSchema } from "@/lib/audit/view";
import { sendBlockingNotices, setBlockingDate } from "@/lib/blocking";
import { getSettings, updateSettings } from "@/lib/settings";
import { setTwoFactorFor } from "@/lib/factors/manage";
import { PASSWORD, createUser, setAccountSettings, uniqueEmail, userRow } from "../support/fixtures";
import { rejection } from "../support/rejection";

const entry = async (action: string, user?: string) => {
  const rows = await listAudit({ action, user });
  if (!rows[0]) throw new Error(`no ${action} entry`);
  return rows[0];
};

describe("who acted", () => {
  it("a settings change names the admin who made it", async () => {
    const admin = await createUser({ isAdmin: true, name: "Ada Admin" });
    const current = await getSettings("twoFactor");
    await updateSettings("twoFactor", { ...current, defaultWeb: !current.defaultWeb }, admin.id);
    const row = await entry("settings.changed");
    expect(row.actorLabel).toBe(`Ada Admin (${admin.email})`);
    expect(row.accountLabel).toBe("");
    expect(actionLabel(row.action, row.detail)).toBe("Settings changed (Two-factor)");
  });

  it("an admin's change to an account names the admin as the user and the account as affected", async () => {
    const admin = await createUser({ isAdmin: true, name: "Bo Admin" });
    await setAccountSettings({ automaticActivation: false });
    try {
      const email = uniqueEmail("pending");
      await signUpWithEmail({ name: "Pat Pending", email, password: PASSWORD });
      const user = (await userRow(email))!;
      await activateAccount(user.id, admin.id);
      const row = await entry("account.activated", email);
      expect(row.actorLabel).toBe(`Bo Admin (${admin.email})`);
      expect(row.accountLabel).toBe(`Pat Pending (${email})`);
      await setTwoFactorFor((await getUser(user.id))!, "web", true, admin.id);
      const on = await entry("two_factor.enabled", email);
      expect(on).toMatchObject({ actorLabel: `Bo Admin (${admin.email})`, accountLabel: `Pat Pending (${email})` });
      expect(actionLabel(on.action, on.detail)).toBe("Two-step verification turned on (Web app)");
    } finally {
      await setAccountSettings({ automaticActivation: true });
    }
  });

  it("a user's own change names the user and leaves the affected account empty", async () => {
    const user = await createUser({ name: "Una User" });
    await setTwoFactorFor({ ...user, twoFactorWeb: true }, "web", false, user.id);
    const row = await entry("two_factor.disabled", user.email!);
    expect(row).toMatchObject({ actorLabel: `Una User (${user.email})`, accountLabel: "" });
    expect(actionLabel(row.action, row.detail)).toBe("Two-step verification turned off (Web app)");
  });

  it("a failed sign-in shows the account it matched, by a visitor", async () => {
    const user = await createUser({ name: "Fay Failed" });
    await rejection(checkPassword({ user, identifierKey: `email:${user.email}`, password: "not the password at all" }));
    const row = await entry("signin.failed", user.email!);
    expect(row).toMatchObject({ actorLabel: "visitor (not signed in)", accountLabel: `Fay Failed (${user.email})` });
    expect(actionLabel(row.action, row.detail)).toBe("Sign-in failed (password)");
  });

  it("the daily job is the system", async () => {
    const user = await createUser({ name: "Sam Scheduled" });
    const soon = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await setBlockingDate(user.id, soon, null);
    await sendBlockingNotices();
    const row = await entry("account.blocking_notice_sent", user.email!);
    expect(row).toMatchObject({ actorLabel: "system", accountLabel: `Sam Scheduled (${user.email})` });
  });
});

describe("filters", () => {
  it("the action filter is one of the known actions; anything else is ignored", () => {
    expect(AUDIT_ACTION_OPTIONS.map((o) => o.value)).toContain("two_factor.failed_3_times");
    expect(auditFilterSchema.parse({ action: "two_factor.enabled" }).action).toBe("two_factor.enabled");
    expect(auditFilterSchema.parse({ action: "drop table" }).action).toBeUndefined();
  });

  it("the user filter matches the actor or the account affected", async () => {
    const admin = await createUser({ isAdmin: true, name: "Cy Admin" });
    const user = await createUser({ name: "Dee Target" });
    await setTwoFactorFor({ ...user, twoFactorWeb: false }, "web", true, admin.id);
    const byAdmin = await listAudit({ action: "two_factor.enabled", user: admin.email! });
    const byTarget = await listAudit({ action: "two_factor.enabled", user: "Dee Target" });
    expect(byAdmin.map((r) => r.userId)).toContain(user.id);
    expect(byTarget.map((r) => r.actorId)).toContain(admin.id);
  });
});
