// A5: profiles — automatic creation at sign-up, the forced first profile, the limit, validation.
import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createAccountByAdmin } from "@/lib/accounts/admin";
import { signUpWithEmail } from "@/lib/accounts/sign-up";
import { ErrorCodes } from "@/lib/shared/errors";
import { completePhoneRegistration } from "@/lib/phone/register";
import { countProfiles, createProfile, deleteProfile, listProfiles, needsFirstProfile, updateProfile } from "@/lib/profiles";
import { PASSWORD, createUser, setAccountSettings, uniqueEmail, userRow } from "../support/fixtures";
import { rejection } from "../support/rejection";

const uniquePhone = () => `+447700${String(randomInt(100000, 999999))}`;

describe("automatic profile creation", () => {
  it("on: email sign-up, phone sign-up and admin-created accounts get a first profile from the account name with the default type", async () => {
    await setAccountSettings({ automaticProfileCreation: true, defaultProfileType: "Organization", confirmationMode: "email" });
    try {
      const email = uniqueEmail("auto");
      await signUpWithEmail({ name: "  Ada Lovelace ", email, password: PASSWORD });
      const signedUp = (await userRow(email))!;
      expect((await listProfiles(signedUp.id)).map((p) => [p.name, p.type])).toEqual([["Ada Lovelace", "Organization"]]);

      const byAdmin = await createAccountByAdmin({
        name: "Grace Hopper",
        email: uniqueEmail("admin-made"),
        password: PASSWORD,
        emailConfirmed: true,
        actorId: null,
      });
      expect((await listProfiles(byAdmin.id)).map((p) => [p.name, p.type])).toEqual([["Grace Hopper", "Organization"]]);

      const byPhone = await completePhoneRegistration({ phone: uniquePhone(), name: "Phone Person", email: uniqueEmail("phone"), ip: null });
      expect((await listProfiles(byPhone)).map((p) => [p.name, p.type])).toEqual([["Phone Person", "Organization"]]);

      for (const id of [signedUp.id, byAdmin.id, byPhone]) expect(await needsFirstProfile({ id, status: "active" })).toBe(false);
    } finally {
      await setAccountSettings({ defaultProfileType: "Person" });
    }
  });

  it("off: no profile at sign-up, and the account must create its first one before anything else", async () => {
    await setAccountSettings({ automaticProfileCreation: false });
    try {
      const email = uniqueEmail("manual");
      await signUpWithEmail({ name: "Manual Maker", email, password: PASSWORD });
      const u = (await userRow(email))!;
      expect(await countProfiles(u.id)).toBe(0);
      expect(await needsFirstProfile(u)).toBe(true);

      const byAdmin = await createUser({ name: "Admin Made" });
      expect(await countProfiles(byAdmin.id)).toBe(0);

      await createProfile(u.id, { name: "My first", type: "Person" });
      expect(await needsFirstProfile(u)).toBe(false);
    } finally {
      await setAccountSettings({ automaticProfileCreation: true });
    }
  });
});

describe("profile limit", () => {
  it("refuses a profile beyond the limit with a clear message; 0 means no limit", async () => {
    const u = await createUser(); // one profile from the account name
    await setAccountSettings({ profileLimit: 2 });
    try {
      await createProfile(u.id, { name: "Second", type: "Person" });
      const err = await rejection(createProfile(u.id, { name: "Third", type: "Person" }));
      expect(err.code).toBe(ErrorCodes.LIMIT_REACHED);
      expect(err.message).toBe("You have reached the limit of 2 profiles for an account. Delete one before creating another.");
      expect(await countProfiles(u.id)).toBe(2);

      // Parallel requests cannot both take the last place.
      const [first] = await listProfiles(u.id);
      await deleteProfile(u.id, first!.id);
      const results = await Promise.allSettled([1, 2, 3].map((i) => createProfile(u.id, { name: `Race ${i}`, type: "Person" })));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await countProfiles(u.id)).toBe(2);

      await setAccountSettings({ profileLimit: 0 });
      for (let i = 0; i < 3; i++) await createProfile(u.id, { name: `Unlimited ${i}`, type: "Organization" });
      expect(await countProfiles(u.id)).toBe(5);
    } finally {
      await setAccountSettings({ profileLimit: 0 });
    }
  });
});

describe("validation and ownership", () => {
  it("refuses an empty or too long name and an unknown type, next to the field", async () => {
    const u = await createUser();
    const empty = await rejection(createProfile(u.id, { name: "   ", type: "Person" }));
    expect([empty.code, empty.field, empty.message]).toEqual([ErrorCodes.INVALID_INPUT, "name", "Enter a display name."]);
    const long = await rejection(createProfile(u.id, { name: "x".repeat(101), type: "Person" }));
    expect([long.field, long.message]).toEqual(["name", "Use at most 100 characters."]);
    expect((await createProfile(u.id, { name: "y".repeat(100), type: "Person" })).name).toHaveLength(100);
    const type = await rejection(createProfile(u.id, { name: "Typed", type: "Robot" }));
    expect([type.field, type.message]).toEqual(["type", "Choose one of the profile types."]);
  });

  it("renames, retypes and deletes only the owner's profiles", async () => {
    const owner = await createUser();
    const other = await createUser();
    const [p] = await listProfiles(owner.id);
    const renamed = await updateProfile(owner.id, p!.id, { name: "Renamed", type: "Organization" });
    expect([renamed.name, renamed.type]).toEqual(["Renamed", "Organization"]);
    expect((await rejection(updateProfile(other.id, p!.id, { name: "Stolen", type: "Person" }))).code).toBe(ErrorCodes.NOT_FOUND);
    expect(await deleteProfile(other.id, p!.id)).toBe(false);
    expect(await deleteProfile(owner.id, p!.id)).toBe(true);
    expect(await countProfiles(owner.id)).toBe(0);
  });

  it("keeps a type the admin has since removed on an existing profile", async () => {
    const u = await createUser();
    await setAccountSettings({ profileTypes: ["Person", "Organization", "Team"] });
    const team = await createProfile(u.id, { name: "Crew", type: "Team" });
    await setAccountSettings({ profileTypes: ["Person", "Organization"] });
    try {
      expect((await updateProfile(u.id, team.id, { name: "Crew 2", type: "Team" })).type).toBe("Team");
      expect((await rejection(createProfile(u.id, { name: "New crew", type: "Team" }))).field).toBe("type");
    } finally {
      await setAccountSettings({ profileTypes: ["Person", "Organization"] });
    }
  });
});
