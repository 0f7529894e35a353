import "server-only";
// SMS provider configuration (S1–S4, O3, O4): stored settings merged with the environment variables that
// pin them, secrets sealed at rest (lib/crypto), and the masked view the admin SMS page shows.
import { decryptSecret, encryptSecret, maskSecret } from "@/lib/crypto";
import { env, type Env } from "@/lib/env";
import { getSettings, SMS_PROVIDERS, updateSettings, type SmsProviderName, type SmsSettings } from "@/lib/settings";

export const SMS_PROVIDER_LABELS: Record<SmsProviderName, string> = {
  outbox: "Outbox (no real delivery — for development)",
  twilio: "Twilio",
  clickatell: "Clickatell",
  twofactor: "2Factor.in",
};

/**
 * The admin SMS page's warning in production: the outbox as the active provider (no text message is
 * delivered) or as the fallback (none is delivered when the active provider fails); null otherwise.
 */
export function outboxWarning(view: { provider: SmsProviderName; fallbackProvider: SmsProviderName | "none" }, production: boolean): string | null {
  if (!production) return null;
  if (view.provider === "outbox")
    return "Text messages are not delivered: the active provider is the outbox, which only stores them for development. Choose and configure a provider below.";
  if (view.fallbackProvider === "outbox")
    return "Text messages are not delivered when the active provider fails: the fallback provider is the outbox, which only stores them for development. Choose another fallback provider below, or none.";
  return null;
}

export type RemoteProvider = Exclude<SmsProviderName, "outbox">;
export type SmsFieldKey = Exclude<keyof SmsSettings, "provider" | "fallbackProvider" | "allowedCountries" | "perNumberDaily" | "globalDaily">;
export type FieldSpec = { key: SmsFieldKey; label: string; env: keyof Env & string; secret: boolean; required: boolean };

export const SMS_FIELDS: Record<RemoteProvider, FieldSpec[]> = {
  twilio: [
    { key: "twilioAccountSid", label: "Account SID", env: "TWILIO_ACCOUNT_SID", secret: false, required: true },
    { key: "twilioAuthToken", label: "Auth Token", env: "TWILIO_AUTH_TOKEN", secret: true, required: true },
    { key: "twilioFrom", label: "From number", env: "TWILIO_FROM", secret: false, required: true },
  ],
  clickatell: [
    { key: "clickatellApiKey", label: "API key", env: "CLICKATELL_API_KEY", secret: true, required: true },
    { key: "clickatellFrom", label: "Two-way number", env: "CLICKATELL_FROM", secret: false, required: false },
  ],
  twofactor: [
    { key: "twofactorApiKey", label: "API key", env: "TWOFACTOR_API_KEY", secret: true, required: true },
    { key: "twofactorSenderId", label: "Sender ID", env: "TWOFACTOR_SENDER_ID", secret: false, required: false },
    { key: "twofactorTemplate", label: "Template name", env: "TWOFACTOR_TEMPLATE", secret: false, required: false },
  ],
};

const ALL_FIELDS = Object.values(SMS_FIELDS).flat();

const BASE_URLS: Record<RemoteProvider, { env: keyof Env & string; default: string }> = {
  twilio: { env: "TWILIO_BASE_URL", default: "https://api.twilio.com" },
  clickatell: { env: "CLICKATELL_BASE_URL", default: "https://platform.clickatell.com" },
  twofactor: { env: "TWOFACTOR_BASE_URL", default: "https://2factor.in" },
};

type FieldValue = { value: string; fromEnv: boolean; unreadable: boolean };

/** The configuration in force right now, secrets in plain text: for lib/sms only, never for a page. */
export type EffectiveSmsConfig = {
  provider: SmsProviderName;
  providerFromEnv: boolean;
  fallbackProvider: SmsProviderName | "none";
  timeoutMs: number;
  fields: Record<SmsFieldKey, FieldValue>;
  baseUrls: Record<RemoteProvider, { value: string; fromEnv: boolean }>;
};

const envValue = (e: Env, name: keyof Env & string): string | undefined => {
  const v = e[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
};

/** Settings merged with the environment: a variable that is set wins over the stored value. */
export async function effectiveSmsConfig(): Promise<EffectiveSmsConfig> {
  const e = env();
  const stored = await getSettings("sms");
  const fields = {} as Record<SmsFieldKey, FieldValue>;
  for (const spec of ALL_FIELDS) {
    const pinned = envValue(e, spec.env);
    if (pinned !== undefined) {
      fields[spec.key] = { value: pinned, fromEnv: true, unreadable: false };
      continue;
    }
    const raw = String(stored[spec.key] ?? "");
    if (!spec.secret || raw === "") {
      fields[spec.key] = { value: raw.trim(), fromEnv: false, unreadable: false };
      continue;
    }
    try {
      fields[spec.key] = { value: decryptSecret(raw), fromEnv: false, unreadable: false };
    } catch {
      // Sealed with another AUTH_SECRET (or never sealed): unusable until an admin enters it again.
      fields[spec.key] = { value: "", fromEnv: false, unreadable: true };
    }
  }
  const baseUrls = {} as EffectiveSmsConfig["baseUrls"];
  for (const [name, b] of Object.entries(BASE_URLS) as Array<[RemoteProvider, (typeof BASE_URLS)[RemoteProvider]]>) {
    const pinned = envValue(e, b.env);
    baseUrls[name] = { value: (pinned ?? b.default).replace(/\/+$/, ""), fromEnv: pinned !== undefined };
  }
  return {
    provider: e.LATCHKEY_SMS_PROVIDER ?? stored.provider,
    providerFromEnv: e.LATCHKEY_SMS_PROVIDER !== undefined,
    fallbackProvider: stored.fallbackProvider,
    timeoutMs: e.LATCHKEY_SMS_TIMEOUT_MS,
    fields,
    baseUrls,
  };
}

/** The provider's required fields that have no usable value (an undecryptable stored secret counts). */
export function missingSmsFields(name: SmsProviderName, cfg: EffectiveSmsConfig): FieldSpec[] {
  if (name === "outbox") return [];
  return SMS_FIELDS[name].filter((f) => f.required && !cfg.fields[f.key].value);
}

export type SmsFieldView = {
  key: SmsFieldKey;
  label: string;
  secret: boolean;
  required: boolean;
  /** Non-secret values in full; secrets masked ("••••1234"), "" when not set. */
  value: string;
  set: boolean;
  setByEnvironment: boolean;
  /** The environment variable that pins this field. */
  env: string;
  /** A stored secret that cannot be decrypted (AUTH_SECRET changed): it must be entered again. */
  unreadable: boolean;
};

export type SmsProviderView = {
  name: SmsProviderName;
  label: string;
  configured: boolean;
  missing: string[];
  baseUrl: string | null;
  baseUrlSetByEnvironment: boolean;
  fields: SmsFieldView[];
};

export type SmsConfigView = {
  provider: SmsProviderName;
  providerSetByEnvironment: boolean;
  fallbackProvider: SmsProviderName | "none";
  timeoutMs: number;
  providers: Record<SmsProviderName, SmsProviderView>;
  /** Settings keys whose value comes from the environment (the admin form shows them read-only). */
  setByEnvironment: string[];
};

/** What the admin SMS page shows: effective values, which the environment pins, secrets masked. */
export async function resolveSmsConfig(): Promise<SmsConfigView> {
  const cfg = await effectiveSmsConfig();
  const providers = {} as Record<SmsProviderName, SmsProviderView>;
  const setByEnvironment: string[] = cfg.providerFromEnv ? ["provider"] : [];
  for (const name of SMS_PROVIDERS) {
    const specs = name === "outbox" ? [] : SMS_FIELDS[name];
    const fields = specs.map((spec): SmsFieldView => {
      const f = cfg.fields[spec.key];
      if (f.fromEnv) setByEnvironment.push(spec.key);
      return {
        key: spec.key,
        label: spec.label,
        secret: spec.secret,
        required: spec.required,
        value: spec.secret ? maskSecret(f.value) : f.value,
        set: f.value !== "",
        setByEnvironment: f.fromEnv,
        env: spec.env,
        unreadable: f.unreadable,
      };
    });
    const missing = missingSmsFields(name, cfg).map((f) => f.label);
    providers[name] = {
      name,
      label: SMS_PROVIDER_LABELS[name],
      configured: missing.length === 0,
      missing,
      baseUrl: name === "outbox" ? null : cfg.baseUrls[name].value,
      baseUrlSetByEnvironment: name === "outbox" ? false : cfg.baseUrls[name].fromEnv,
      fields,
    };
  }
  return {
    provider: cfg.provider,
    providerSetByEnvironment: cfg.providerFromEnv,
    fallbackProvider: cfg.fallbackProvider,
    timeoutMs: cfg.timeoutMs,
    providers,
    setByEnvironment,
  };
}

/**
 * Saves the admin SMS form: secrets typed in are sealed with encryptSecret before they are stored; a
 * secret left blank keeps the stored one, `null` clears it. Fields pinned by the environment keep
 * their stored value (the form shows them read-only). Audited through updateSettings (secrets masked).
 */
export async function updateSmsSettings(input: Partial<Record<keyof SmsSettings, unknown>>, actorId: string | null): Promise<SmsSettings> {
  const e = env();
  const current = await getSettings("sms");
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const spec = ALL_FIELDS.find((f) => f.key === key);
    if (spec && envValue(e, spec.env) !== undefined) continue;
    if (spec?.secret) {
      if (value === null) next[key] = "";
      else if (typeof value === "string" && value.trim() !== "") next[key] = encryptSecret(value.trim());
      continue;
    }
    next[key] = value;
  }
  return updateSettings("sms", next, actorId);
}
