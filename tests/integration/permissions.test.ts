// A2: the Pending permission set is enforced inside each lib function, not only hidden in the UI.
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { auditLog } from "@/db/schema";
import { activateAccount } from "@/lib/accounts/activation";
import { signUpWithEmail } from "@/lib/accounts/sign-up";
import { createApiToken } from "@/lib/api-tokens";
import { ErrorCodes } from "@/lib/shared/errors";
import { GUARDED_ACTIONS, assertAllowed, isAllowed } from "@/lib/permissions";
import { startPhoneConfirmation } from "@/lib/phone/confirm";
import { createProfile, deleteProfile, listProfiles, updateProfile } from "@/lib/profiles";
import { defaultSettings, getSettings, updateSettings, type PendingPermissions } from "@/lib/settings";
import { beginTotpEnrolment } from "@/lib/factors/totp";
import { startEmailMethod } from "@/lib/factors/enrol";
import { registrationOptions } from "@/lib/factors/webauthn";
import { PASSWORD, setAccountSettings, uniqueEmail, userRow } from "../support/fixtures";
import { rejection } from "../support/rejection";

const NONE: PendingPermissions = {
  create_profile: false,
  edit_profile: false,
  change_phone: false,
  enable_2fa: false,
  create_api_token: false,
  use_apps: false,
};

async function pendingUser() {
  await setAccountSettings({ automaticActivation: false });
  const email = uniqueEmail("pending");
  try {
    await signUpWithEmail({ name: "Pending Person", email, password: PASSWORD });
  } finally {
    await setAccountSettings({ automaticActivation: true });
  }
  const u = (await userRow(email))!;
  expect(u.status).toBe("pending");
  return u;
}

afterEach(async () => {
  await updateSettings("pendingPermissions", defaultSettings("pendingPermissions"), null);
});

describe("pending permission set", () => {
  it("lists every guarded action, all allowed by default", async () => {
    expect(GUARDED_ACTIONS.map((a) => a.key)).toEqual(["create_profile", "edit_profile", "change_phone", "enable_2fa", "create_api_token", "use_apps"]);
    expect(Object.values(await getSettings("pendingPermissions")).every(Boolean)).toBe(true);
    const u = await pendingUser();
    for (const a of GUARDED_ACTIONS) expect(await isAllowed(u.id, a.key)).toBe(true);
  });

  it("refuses a pending account in each guarded lib function with a message saying it awaits activation", async () => {
    const u = await pendingUser();
    const [profile] = await listProfiles(u.id);
    await updateSettings("pendingPermissions", NONE, null);
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ["createProfile", () => createProfile(u.id, { name: "Another", type: "Person" })],
      ["updateProfile", () => updateProfile(u.id, profile!.id, { name: "Renamed", type: "Person" })],
      ["deleteProfile", () => deleteProfile(u.id, profile!.id)],
      ["startPhoneConfirmation", () => startPhoneConfirmation(u.id, "+447700900123", null)],
      ["startEmailMethod", () => startEmailMethod(u)],
      ["beginTotpEnrolment", () => beginTotpEnrolment(u.id, u.email!)],
      ["registrationOptions", () => registrationOptions(u)],
      ["createApiToken", () => createApiToken(u.id, "Script")],
    ];
    for (const [name, attempt] of attempts) {
      const err = await rejection(attempt());
      expect(err.code, name).toBe(ErrorCodes.ACCOUNT_PENDING);
      expect(err.message, name).toMatch(/^Your account is awaiting activation by an administrator\. Until it is activated you cannot .+\.$/);
    }
    expect((await rejection(createProfile(u.id, { name: "x", type: "Person" }))).message).toBe(
      "Your account is awaiting activation by an administrator. Until it is activated you cannot create a profile.",
    );
    // Nothing happened.
    expect((await listProfiles(u.id)).map((p) => p.name)).toEqual(["Pending Person"]);

    // Each box opens exactly its own action.
    await updateSettings("pendingPermissions", { ...NONE, create_profile: true }, null);
    await createProfile(u.id, { name: "Allowed now", type: "Person" });
    await rejection(createApiToken(u.id, "Still refused"));

    // Once activated, the set no longer applies.
    await activateAccount(u.id, null);
    await createApiToken(u.id, "After activation");
    await assertAllowed(u.id, "enable_2fa");
  });

  it("never refuses what the rules in force require: the phone the confirmation mode asks for", async () => {
    const u = await pendingUser();
    await updateSettings("pendingPermissions", NONE, null);
    expect(await isAllowed(u.id, "change_phone")).toBe(false);
    await setAccountSettings({ confirmationMode: "both" });
    try {
      expect(await isAllowed(u.id, "change_phone")).toBe(true);
    } finally {
      await setAccountSettings({ confirmationMode: "email" });
    }
  });

  it("changes go to the audit log like other settings", async () => {
    await updateSettings("pendingPermissions", { ...defaultSettings("pendingPermissions"), create_api_token: false }, "admin-1");
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "settings.changed"), eq(auditLog.actorId, "admin-1")));
    expect(rows.at(-1)!.detail).toEqual({ section: "pendingPermissions", changes: { create_api_token: { from: true, to: false } } });
  });
});
