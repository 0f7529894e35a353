import "server-only";
// Sending SMS (S1–S4): the active provider is read from settings at call time (environment variables
// pin values, O3), every call is bounded by a timeout, the fallback provider is tried once, and a
// failure becomes a UserError with a message safe to show. Credentials are never logged or returned.
import { ErrorCodes, UserError } from "../errors";
import type { SmsProviderName } from "../settings";
import { clickatellProvider } from "./clickatell";
import { effectiveSmsConfig, missingSmsFields, SMS_PROVIDER_LABELS, type EffectiveSmsConfig, type SmsFieldKey } from "./config";
import { maskNumber, SAFE_REASONS, SmsProviderError } from "./errors";
import { outboxProvider } from "./outbox";
import { twilioProvider } from "./twilio";
import { twofactorProvider } from "./twofactor";

export type { SmsProviderName } from "../settings";
export { SmsProviderError } from "./errors";
export { resolveSmsConfig, updateSmsSettings, SMS_PROVIDER_LABELS } from "./config";
export type { SmsConfigView, SmsFieldView, SmsProviderView } from "./config";

export type SmsMessage = { to: string /* E.164 */; body: string; code?: string };

export interface SmsProvider {
  name: SmsProviderName;
  send(m: SmsMessage): Promise<{ id?: string }>;
}

const GENERIC_FAILURE = "We couldn't send the SMS, try again.";
const E164 = /^\+[1-9]\d{6,14}$/;

function buildProvider(name: SmsProviderName, cfg: EffectiveSmsConfig): SmsProvider {
  if (name === "outbox") return outboxProvider;
  const missing = missingSmsFields(name, cfg);
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
  const v = (k: SmsFieldKey) => cfg.fields[k].value;
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
async function attempt(name: SmsProviderName, cfg: EffectiveSmsConfig, m: SmsMessage): Promise<{ id?: string }> {
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
  // Providers echo the number in their reasons: mask it there too.
  const detail =
    to.length > 6 ? f.detail.split(to).join(maskNumber(to)).split(to.slice(1)).join(maskNumber(to).slice(1)) : f.detail;
  console.error(`SMS via ${f.provider} to ${maskNumber(to)} failed (${f.kind}): ${detail}`);
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
  const cfg = await effectiveSmsConfig();
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
  const cfg = await effectiveSmsConfig();
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
