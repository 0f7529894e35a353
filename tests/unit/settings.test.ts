import { describe, expect, it } from "vitest";
import { z } from "zod";
import { accountSettingsSchema, defaultSettings, twoFactorSettingsSchema } from "@/lib/settings";

const errorsOf = (input: unknown) => {
  const r = accountSettingsSchema.safeParse(input);
  if (r.success) throw new Error(`expected a validation error for ${JSON.stringify(input)}`);
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
};

describe("account settings schema", () => {
  it("fills every field with its documented default", () => {
    expect(accountSettingsSchema.parse({})).toEqual({
      siteName: "Latchkey",
      onlineTimeframeMinutes: 30,
      automaticActivation: true,
      activationLetter: true,
      confirmationMode: "email",
      automaticProfileCreation: true,
      defaultProfileType: "Person",
      profileLimit: 0,
      absoluteSessionDays: 30,
      profileTypes: ["Person", "Organization"],
    });
    expect(defaultSettings("account")).toEqual(accountSettingsSchema.parse({}));
  });

  it("an empty number box is an error next to its field, not 0", () => {
    const e = errorsOf({ onlineTimeframeMinutes: "", profileLimit: " ", absoluteSessionDays: "" });
    expect(e.onlineTimeframeMinutes).toBe("Enter a number of minutes.");
    expect(e.profileLimit).toBe("Enter a number.");
    expect(e.absoluteSessionDays).toBe("Enter a number of days.");
    expect(accountSettingsSchema.parse({ profileLimit: "0" }).profileLimit).toBe(0);
  });

  it("coerces form values: numbers from strings, checkboxes from 'on'/'true'/'1'", () => {
    const v = accountSettingsSchema.parse({
      onlineTimeframeMinutes: "45",
      profileLimit: "3",
      absoluteSessionDays: "7",
      automaticActivation: "on",
      activationLetter: "false",
      automaticProfileCreation: "off",
    });
    expect(v.onlineTimeframeMinutes).toBe(45);
    expect(v.profileLimit).toBe(3);
    expect(v.absoluteSessionDays).toBe(7);
    expect(v.automaticActivation).toBe(true);
    expect(v.activationLetter).toBe(false);
    expect(v.automaticProfileCreation).toBe(false);
  });

  it("accepts every confirmation mode", () => {
    for (const mode of ["none", "email", "phone", "both"]) {
      expect(accountSettingsSchema.parse({ confirmationMode: mode }).confirmationMode).toBe(mode);
    }
  });

  it("explains each invalid minute count", () => {
    expect(errorsOf({ onlineTimeframeMinutes: "soon" }).onlineTimeframeMinutes).toBe("Enter a number of minutes.");
    expect(errorsOf({ onlineTimeframeMinutes: "1.5" }).onlineTimeframeMinutes).toBe("Enter a whole number of minutes.");
    expect(errorsOf({ onlineTimeframeMinutes: 0 }).onlineTimeframeMinutes).toBe("Use at least 1 minute.");
    expect(errorsOf({ onlineTimeframeMinutes: 43_201 }).onlineTimeframeMinutes).toBe("Use at most 43,200 minutes (30 days).");
  });

  it("accepts the bounds of the minute count", () => {
    expect(accountSettingsSchema.parse({ onlineTimeframeMinutes: 1 }).onlineTimeframeMinutes).toBe(1);
    expect(accountSettingsSchema.parse({ onlineTimeframeMinutes: 43_200 }).onlineTimeframeMinutes).toBe(43_200);
  });

  it("refuses an unknown confirmation mode with a readable message", () => {
    expect(errorsOf({ confirmationMode: "sometimes" }).confirmationMode).toBe("Choose how an account is confirmed.");
  });

  it("refuses invalid profile limits and session lifetimes", () => {
    expect(errorsOf({ profileLimit: -1 }).profileLimit).toBe("Use 0 for no limit, or a positive number.");
    expect(errorsOf({ profileLimit: 1001 }).profileLimit).toBe("Use at most 1,000.");
    expect(errorsOf({ absoluteSessionDays: 0 }).absoluteSessionDays).toBe("Use at least 1 day.");
    expect(errorsOf({ absoluteSessionDays: 366 }).absoluteSessionDays).toBe("Use at most 365 days.");
  });

  it("refuses an empty default profile type and an empty list of types", () => {
    expect(errorsOf({ defaultProfileType: "   " }).defaultProfileType).toBe("Choose a profile type.");
    expect(errorsOf({ profileTypes: [] })).toHaveProperty("profileTypes");
  });

  it("reports every invalid field at once", () => {
    const errors = errorsOf({ onlineTimeframeMinutes: 0, confirmationMode: "x", profileLimit: -5 });
    expect(Object.keys(errors).sort()).toEqual(["confirmationMode", "onlineTimeframeMinutes", "profileLimit"]);
  });

  it("throws a ZodError from parse", () => {
    expect(() => accountSettingsSchema.parse({ onlineTimeframeMinutes: -1 })).toThrow(z.ZodError);
  });
});

describe("two-factor settings schema", () => {
  it("2FA is off until the admin enables it; then everyone is asked, and new accounts get SMS by default (seeds 000, 003)", () => {
    const d = twoFactorSettingsSchema.parse({});
    expect(d).toMatchObject({ enable2fa: false, requireFor: "everyone", defaultWeb: true, defaultManager: true, defaultMethod: "sms" });
    expect(twoFactorSettingsSchema.parse({ enable2fa: "on", requireFor: "individual" })).toMatchObject({ enable2fa: true, requireFor: "individual" });
    expect(twoFactorSettingsSchema.safeParse({ requireFor: "some" }).success).toBe(false);
  });
});
