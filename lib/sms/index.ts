import "server-only";
// Sending SMS (S1–S4): the active provider is read from settings at call time (environment variables
// pin values, O3), every call is bounded by a timeout, the fallback provider is tried once, and a
// failure becomes a UserError with a message safe to show. Credentials are never logged or returned.
import { decryptSecret, maskSecret } from "../crypto";
import { env, type Env } from "../env";
import { ErrorCodes, UserError } from "../errors";
import { getSettings, SMS_PROVIDERS, type SmsProviderName, type SmsSettings } from "../settings";
import { clickatellProvider } from "./clickatell";
import { maskNumber, SAFE_REASONS, SmsProviderError } from "./errors";
import { outboxProvider } from "./outbox";
import { twilioProvider } from "./twilio";
import { twofactorProvider } from "./twofactor";

export type { SmsProviderName } from "../settings";
export { SmsProviderError } from "./errors";

export type SmsMessage = { to: string /* E.164 */; body: string; code?: string };

export interface SmsProvider {
  name: SmsProviderName;
  send(m: SmsMessage): Promise<{ id?: string }>;
}

export const SMS_PROVIDER_LABELS: Record<SmsProviderName, string> = {
  outbox: "Outbox (no delivery)",
  twilio: "Twilio",
  clickatell: "Clickatell",
  twofactor: "2Factor.in",
};

const GENERIC_FAILURE = "We couldn't send the SMS, try again.";
const E164 = /^\+[1-9]\d{6,14}$/;

type RemoteProvider = Exclude<SmsProviderName, "outbox">;
type FieldKey = Exclude<keyof SmsSettings, "provider" | "fallbackProvider" | "allowedCountries" | "perNumberDaily" | "globalDaily">;
type FieldSpec = { key: FieldKey; label: string; env: keyof Env & string; secret: boolean; required: boolean };

const FIELDS: Record<RemoteProvider, FieldSpec[]> = {
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

const BASE_URLS: Record<RemoteProvider, { env: keyof Env & string; default: string }> = {
  twilio: { env: "TWILIO_BASE_URL", default: "https://api.twilio.com" },
  clickatell: { env: "CLICKATELL_BASE_URL", default: "https://platform.clickatell.com" },
  twofactor: { env: "TWOFACTOR_BASE_URL", default: "https://2factor.in" },
};

type FieldValue = { value: string; fromEnv: boolean; unreadable: boolean };

type Effective = {
  provider: SmsProviderName;
  providerFromEnv: boolean;
  fallbackProvider: SmsProviderName | "none";
  timeoutMs: number;
  fields: Record<FieldKey, FieldValue>;
  baseUrls: Record<RemoteProvider, { value: string; fromEnv: boolean }>;
};

const envValue = (e: Env, name: keyof Env & string): string | undefined => {
  const v = e[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
};

/** Settings merged with the environment: a variable that is set wins over the stored value. */
async function effectiveConfig(): Promise<Effective> {
  const e = env();
  const stored = await getSettings("sms");
  const fields = {} as Record<FieldKey, FieldValue>;
  for (const spec of Object.values(FIELDS).flat()) {
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
      // Sealed with another AUTH_SECRET (or not sealed at all): unusable until an admin enters it again.
      fields[spec.key] = { value: "", fromEnv: false, unreadable: true };
    }
  }
  const baseUrls = {} as Effective["baseUrls"];
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

/** The provider's missing required fields, as labels (an unreadable stored secret counts as missing). */
function missingFields(name: SmsProviderName, cfg: Effective): FieldSpec[] {
  if (name === "outbox") return [];
  return FIELDS[name].filter((f) => f.required && !cfg.fields[f.key].value);
}

function buildProvider(name: SmsProviderName, cfg: Effective): SmsProvider {
  if (name === "outbox") return outboxProvider;
  const missing = missingFields(name, cfg);
  if (missing.length) {
    const unreadable = missing.filter((f) => cfg.fields[f.key].unreadable).map((f) => f.label);
    const hint = unreadable.length
      ? ` (${unreadable.join(", ")} stored but cannot be decrypted — AUTH_SECRET changed? Enter it again)`
      : "";
    throw new SmsProviderError(
      name,
      "config",
      `${SMS_PROVIDER_LABELS[name]} is not configured: missing ${missing.map((f) => f.label).join(", ")}${hint}. ` +
        `Set it on the admin SMS settings page or with ${missing.map((f) => f.env).join(", ")}.`,
    );
  }
  const v = (k: FieldKey) => cfg.fields[k].value;
  const common = { baseUrl: cfg.baseUrls[name].value, timeoutMs: cfg.timeoutMs };
  switch (name) {
    case "twilio":
      return twilioProvider({ ...common, accountSid: v("twilioAccountSid"), authToken: v("twilioAuthToken"), from: v("twilioFrom") });
    case "clickatell":
      return clickatellProvider({ ...common, apiKey: v("clickatellApiKey"), from: v("clickatellFrom") });
    case "twofactor":
      return twofactorProvider({
        ...common,
        apiKey: v("twofactorApiKey"),
        senderId: v("twofactorSenderId"),
        template: v("twofactorTemplate"),
      });
  }
}

/** One provider call, bounded by the timeout whatever the provider's own client does. */
async function attempt(name: SmsProviderName, cfg: Effective, m: SmsMessage): Promise<{ id?: string }> {
  const provider = buildProvider(name, cfg);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SmsProviderError(name, "timeout", `no answer within ${cfg.timeoutMs} ms`)),
      cfg.timeoutMs,
    );
  });
  try {
    return await Promise.race([provider.send(m), deadline]);
  } catch (err) {
    throw err instanceof SmsProviderError
      ? err
      : new SmsProviderError(name, "network", err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}

function logFailure(f: SmsProviderError, to: string) {
  // The admin's view of what went wrong: provider, kind and reason; never credentials or the body.
  console.error(`SMS via ${f.provider} to ${maskNumber(to)} failed (${f.kind}): ${f.detail}`);
}

/**
 * Sends an SMS through the active provider, then the fallback provider once if that fails. Throws a
 * UserError(DELIVERY_FAILED) whose message is the provider's reason when it is safe to show.
 * `code` is the one-time code the body carries, for providers that send codes rather than text.
 */
export async function sendSms(m: SmsMessage): Promise<void> {
  if (!E164.test(m.to)) {
    console.error(`SMS not sent: "to" is not an E.164 number (${maskNumber(m.to)})`);
    throw new UserError(ErrorCodes.DELIVERY_FAILED, SAFE_REASONS.invalidNumber);
  }
  const cfg = await effectiveConfig();
  const chain: SmsProviderName[] = [cfg.provider];
  if (cfg.fallbackProvider !== "none" && cfg.fallbackProvider !== cfg.provider) chain.push(cfg.fallbackProvider);

  const failures: SmsProviderError[] = [];
  for (const name of chain) {
    try {
      await attempt(name, cfg, m);
      if (failures.length) console.warn(`SMS to ${maskNumber(m.to)} sent via fallback provider ${name}`);
      return;
    } catch (err) {
      const f = err as SmsProviderError;
      failures.push(f);
      logFailure(f, m.to);
    }
  }
  const safe = failures.find((f) => f.userMessage)?.userMessage;
  throw new UserError(ErrorCodes.DELIVERY_FAILED, safe ?? GENERIC_FAILURE);
}

export type TestSmsResult = { ok: true; provider: SmsProviderName; id?: string } | { ok: false; provider: SmsProviderName; message: string };

/**
 * The admin's "Send test SMS": one attempt through `provider` (default: the active one), no fallback,
 * so each provider can be checked on its own. The failure message is admin-facing and detailed.
 */
export async function sendTestSms(to: string, provider?: SmsProviderName): Promise<TestSmsResult> {
  const cfg = await effectiveConfig();
  const name = provider ?? cfg.provider;
  const number = to.replace(/[\s().-]/g, "");
  if (!E164.test(number)) {
    return { ok: false, provider: name, message: "Enter the number in international format, for example +14155550123." };
  }
  try {
    const { id } = await attempt(name, cfg, { to: number, body: "Latchkey test message: SMS delivery works." });
    return { ok: true, provider: name, ...(id ? { id } : {}) };
  } catch (err) {
    const f = err as SmsProviderError;
    logFailure(f, number);
    const message = f.kind === "config" ? f.detail : `${SMS_PROVIDER_LABELS[name]} failed (${f.kind}): ${f.detail}`;
    return { ok: false, provider: name, message };
  }
}

export type SmsFieldView = {
  key: FieldKey;
  label: string;
  secret: boolean;
  required: boolean;
  /** Non-secret values in full; secrets masked ("••••1234") or "" when not set. */
  value: string;
  set: boolean;
  setByEnvironment: boolean;
  /** The environment variable that pins this field. */
  env: string;
  /** A stored secret that cannot be decrypted (AUTH_SECRET changed): enter it again. */
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

/** What the admin SMS page shows: effective values, which are pinned by the environment, masked secrets. */
export async function resolveSmsConfig(): Promise<SmsConfigView> {
  const cfg = await effectiveConfig();
  const providers = {} as Record<SmsProviderName, SmsProviderView>;
  const setByEnvironment: string[] = cfg.providerFromEnv ? ["provider"] : [];
  for (const name of SMS_PROVIDERS) {
    const specs = name === "outbox" ? [] : FIELDS[name];
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
    const missing = missingFields(name, cfg).map((f) => f.label);
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
