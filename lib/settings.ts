import "server-only";
// Every admin setting: zod schema with defaults, read from the database (all sections in one
// statement, at most once per request, shared by the process for a second), updated with an audit entry.
import { cache } from "react";
import { z } from "zod";
import { db } from "@/lib/db";
import { settings } from "@/db/schema";
import { audit } from "@/lib/audit";

export const CONFIRMATION_MODES = ["none", "email", "phone", "both"] as const;
export type ConfirmationMode = (typeof CONFIRMATION_MODES)[number];

const checkbox = z.preprocess((v) => v === true || v === "on" || v === "true" || v === "1", z.boolean());
/** A number typed in a form: an empty box is missing (its own message), never read as 0. */
export const blankAsMissing = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema);

export const accountSettingsSchema = z.object({
  // The name people know this site by: in every email's subject, heading and footer.
  siteName: z.string().trim().min(1, "Enter the site's name.").max(60, "Use at most 60 characters.").default("Latchkey"),
  onlineTimeframeMinutes: blankAsMissing(
    z.coerce
      .number({ error: "Enter a number of minutes." })
      .int("Enter a whole number of minutes.")
      .min(1, "Use at least 1 minute.")
      .max(43_200, "Use at most 43,200 minutes (30 days)."),
  ).default(30),
  automaticActivation: checkbox.default(true),
  activationLetter: checkbox.default(true),
  confirmationMode: z.enum(CONFIRMATION_MODES, { error: "Choose how an account is confirmed." }).default("email"),
  automaticProfileCreation: checkbox.default(true),
  defaultProfileType: z.string().trim().min(1, "Choose a profile type.").max(60).default("Person"),
  profileLimit: blankAsMissing(
    z.coerce
      .number({ error: "Enter a number." })
      .int("Enter a whole number.")
      .min(0, "Use 0 for no limit, or a positive number.")
      .max(1000, "Use at most 1,000."),
  ).default(0),
  absoluteSessionDays: blankAsMissing(
    z.coerce.number({ error: "Enter a number of days." }).int("Enter a whole number of days.").min(1, "Use at least 1 day.").max(365, "Use at most 365 days."),
  ).default(30),
  profileTypes: z.array(z.string().trim().min(1).max(60)).min(1).default(["Person", "Organization"]),
});

export type AccountSettings = z.infer<typeof accountSettingsSchema>;

// ISO 3166-1 alpha-2, upper case.
const country = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, "Choose a country.");

export const regionalSettingsSchema = z.object({
  defaultCountry: country.default("US"),
});
export type RegionalSettings = z.infer<typeof regionalSettingsSchema>;

export const SMS_PROVIDERS = ["outbox", "twilio", "clickatell", "twofactor"] as const;
export type SmsProviderName = (typeof SMS_PROVIDERS)[number];

// Credentials are stored sealed (lib/crypto encryptSecret); "" means not set.
export const smsSettingsSchema = z.object({
  provider: z.enum(SMS_PROVIDERS).default("outbox"),
  fallbackProvider: z.enum(["none", ...SMS_PROVIDERS]).default("none"),
  twilioAccountSid: z.string().trim().max(64).default(""),
  twilioAuthToken: z.string().max(1000).default(""),
  twilioFrom: z.string().trim().max(32).default(""),
  clickatellApiKey: z.string().max(1000).default(""),
  clickatellFrom: z.string().trim().max(32).default(""),
  twofactorApiKey: z.string().max(1000).default(""),
  twofactorSenderId: z.string().trim().max(16).default(""),
  twofactorTemplate: z.string().trim().max(64).default(""),
  // Countries SMS may be sent to; empty means the regional country only.
  allowedCountries: z.array(country).max(250).default([]),
  // Budgets (S8): per number per day, and for the whole site per day.
  perNumberDaily: blankAsMissing(z.coerce.number().int().min(1).max(1000)).default(10),
  globalDaily: blankAsMissing(z.coerce.number().int().min(1).max(1_000_000)).default(1000),
  // SMS to numbers being added (registration, confirmation, SMS set-up) per hour, for the whole site;
  // halved for each time it was reached in the last day (lib/sms-clients.ts).
  newNumbersHourly: blankAsMissing(z.coerce.number().int().min(2).max(100_000)).default(60),
});
export type SmsSettings = z.infer<typeof smsSettingsSchema>;

export const TWO_FACTOR_METHODS = ["sms", "email", "totp", "webauthn"] as const;
export type TwoFactorMethod = (typeof TWO_FACTOR_METHODS)[number];
export const TRUSTED_DEVICE_DURATIONS = ["session", "1d", "7d", "30d"] as const;
export type TrustedDeviceDuration = (typeof TRUSTED_DEVICE_DURATIONS)[number];

/** Who must pass a second step while 2FA is enabled: every account, or those switched on one by one (T6). */
export const TWO_FACTOR_REQUIRE_FOR = ["everyone", "individual"] as const;
export type TwoFactorRequireFor = (typeof TWO_FACTOR_REQUIRE_FOR)[number];

// T1, T2, T4, T5, T6. `enable2fa` is the master switch (seed 000's "Enable 2FA").
export const twoFactorSettingsSchema = z.object({
  enable2fa: checkbox.default(false),
  requireFor: z.enum(TWO_FACTOR_REQUIRE_FOR, { error: "Choose who must use two-step verification." }).default("everyone"),
  allowedMethods: z.array(z.enum(TWO_FACTOR_METHODS)).min(1, "Allow at least one method.").default(["sms", "email", "totp", "webauthn"]),
  deliveryPolicy: z.enum(["sms_then_email", "email_only"]).default("sms_then_email"),
  contactName: z.string().trim().max(100, "Use at most 100 characters.").default(""),
  contactEmail: z.union([z.literal(""), z.string().trim().max(254).email("Enter a valid email address.")]).default(""),
  contactPhone: z.string().trim().max(40, "Use at most 40 characters.").default(""),
  // Seed 003: new accounts get a second step by SMS unless the admin switches it off.
  defaultWeb: checkbox.default(true),
  defaultManager: checkbox.default(true),
  defaultMethod: z.enum(TWO_FACTOR_METHODS).default("sms"),
  trustedDeviceDuration: z.enum(TRUSTED_DEVICE_DURATIONS).default("30d"),
});
export type TwoFactorSettings = z.infer<typeof twoFactorSettingsSchema>;

// A2: what an account in `pending` status may do; one checkbox per guarded action (lib/permissions.ts).
export const pendingPermissionsSchema = z.object({
  create_profile: checkbox.default(true),
  edit_profile: checkbox.default(true),
  change_phone: checkbox.default(true),
  enable_2fa: checkbox.default(true),
  create_api_token: checkbox.default(true),
  use_apps: checkbox.default(true),
});
export type PendingPermissions = z.infer<typeof pendingPermissionsSchema>;

/** Settings fields that hold secrets: masked in the audit log and never sent to the browser. */
export const SECRET_SETTING_KEYS = new Set(["twilioAuthToken", "clickatellApiKey", "twofactorApiKey"]);

const sections = {
  account: accountSettingsSchema,
  regional: regionalSettingsSchema,
  sms: smsSettingsSchema,
  twoFactor: twoFactorSettingsSchema,
  pendingPermissions: pendingPermissionsSchema,
} as const;

export type SectionName = keyof typeof sections;
type SectionValue<S extends SectionName> = z.infer<(typeof sections)[S]>;

// How long the process keeps the stored settings: other instances see a change within this time; the
// instance that saves a change sees it at once.
const SHARED_FOR_MS = 1000;

type Stored = Map<string, unknown>;
// On globalThis: every copy of this module in the process (pages, route handlers, actions) shares one.
const shared = globalThis as unknown as { __latchkeySettings?: { at: number; rows: Promise<Stored> }; __latchkeySettingsVersion?: number };
const version = () => shared.__latchkeySettingsVersion ?? 0;

async function readStored(): Promise<Stored> {
  const rows = await db.select({ key: settings.key, value: settings.value }).from(settings);
  return new Map(rows.map((r) => [r.key, r.value]));
}

/** The process's copy of every stored section, read again when older than a second. */
function sharedStored(): Promise<Stored> {
  const now = Date.now();
  const current = shared.__latchkeySettings;
  if (current && now - current.at < SHARED_FOR_MS) return current.rows;
  const rows = readStored();
  const entry = { at: now, rows };
  shared.__latchkeySettings = entry;
  // A failed read is not kept: the next call asks the database again.
  rows.catch(() => {
    if (shared.__latchkeySettings === entry) shared.__latchkeySettings = undefined;
  });
  return rows;
}

/** One request sees one copy of the settings (React cache), unless this process saved a change meanwhile. */
const requestCopy = cache((): { version: number; rows?: Promise<Stored> } => ({ version: -1 }));

function storedSettings(): Promise<Stored> {
  const copy = requestCopy();
  if (!copy.rows || copy.version !== version()) {
    copy.version = version();
    const rows = sharedStored();
    copy.rows = rows;
    rows.catch(() => {
      if (copy.rows === rows) copy.rows = undefined;
    });
  }
  return copy.rows;
}

/** Forgets the process's copy: the next read asks the database (after a save, and in tests). */
export function forgetStoredSettings() {
  shared.__latchkeySettingsVersion = version() + 1;
  shared.__latchkeySettings = undefined;
}

/** Reads one settings section; stored values are merged over the schema defaults. */
export async function getSettings<S extends SectionName>(section: S): Promise<SectionValue<S>> {
  const stored = (await storedSettings()).get(section);
  const schema = sections[section];
  const parsed = schema.safeParse(stored ?? {});
  // A stored value that no longer validates (older version) falls back to defaults field by field.
  if (parsed.success) return parsed.data as SectionValue<S>;
  return schema.parse({}) as SectionValue<S>;
}

export const defaultSettings = <S extends SectionName>(section: S) => sections[section].parse({}) as SectionValue<S>;

/** Validates and stores a section, writing an audit entry with each changed field (old → new). */
export async function updateSettings<S extends SectionName>(section: S, input: unknown, actorId: string | null): Promise<SectionValue<S>> {
  const schema = sections[section];
  const value = schema.parse(input) as SectionValue<S>;
  const old = await getSettings(section);
  await db
    .insert(settings)
    .values({ key: section, value, updatedBy: actorId })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date(), updatedBy: actorId } });
  forgetStoredSettings();
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of Object.keys(value) as Array<keyof typeof value>) {
    if (JSON.stringify(old[k]) === JSON.stringify(value[k])) continue;
    changes[k as string] = SECRET_SETTING_KEYS.has(k as string)
      ? { from: old[k] ? "••••(set)" : "(not set)", to: value[k] ? "••••(set)" : "(not set)" }
      : { from: old[k], to: value[k] };
  }
  if (Object.keys(changes).length) await audit({ action: "settings.changed", actorId, detail: { section, changes } });
  return value;
}
