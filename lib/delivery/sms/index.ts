import "server-only";
// Sending SMS (S1–S4): the active provider is read from settings at call time (environment variables
// pin values, O3), every call is bounded by a timeout, the fallback provider is tried once, and a
// failure becomes a UserError with a message safe to show. Credentials are never logged or returned.
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { getSettings, type SmsProviderName } from "@/lib/settings";
import { countryOf } from "@/lib/phone/parse";
import { clickatellProvider } from "@/lib/delivery/sms/clickatell";
import { effectiveSmsConfig, missingSmsFields, SMS_PROVIDER_LABELS, type EffectiveSmsConfig, type SmsFieldKey } from "@/lib/delivery/sms/config";
import { maskNumber, SAFE_REASONS, SmsProviderError } from "@/lib/delivery/sms/errors";
import { outboxProvider } from "@/lib/delivery/sms/outbox";
import { twilioProvider } from "@/lib/delivery/sms/twilio";
import { twofactorProvider } from "@/lib/delivery/sms/twofactor";

export type { SmsProviderName } from "@/lib/settings";
export { SmsProviderError } from "@/lib/delivery/sms/errors";
export { resolveSmsConfig, updateSmsSettings, SMS_PROVIDER_LABELS } from "@/lib/delivery/sms/config";
export type { SmsConfigView, SmsFieldView, SmsProviderView } from "@/lib/delivery/sms/config";

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
    const hint = unreadable.length ? ` (${unreadable.join(", ")} stored but cannot be decrypted — AUTH_SECRET changed? Enter it again)` : "";
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
    timer = setTimeout(() => reject(new SmsProviderError(name, "timeout", `no answer within ${cfg.timeoutMs} ms`)), cfg.timeoutMs);
  });
  try {
    return await Promise.race([provider.send(m), deadline]);
  } catch (err) {
    throw err instanceof SmsProviderError ? err : new SmsProviderError(name, "network", err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}

function logFailure(f: SmsProviderError, to: string) {
  // The admin's view of what went wrong: provider, kind and reason; never credentials or the body.
  // Providers echo the number in their reasons: mask it there too.
  const detail = to.length > 6 ? f.detail.split(to).join(maskNumber(to)).split(to.slice(1)).join(maskNumber(to).slice(1)) : f.detail;
  console.error(`SMS via ${f.provider} to ${maskNumber(to)} failed (${f.kind}): ${detail}`);
}

type ChainOutcome = { sent: { provider: SmsProviderName; id?: string } | null; failures: SmsProviderError[] };

/** The active provider, then the fallback provider once if the first fails (S4). */
async function throughChain(cfg: EffectiveSmsConfig, m: SmsMessage): Promise<ChainOutcome> {
  const chain: SmsProviderName[] = [cfg.provider];
  if (cfg.fallbackProvider !== "none" && cfg.fallbackProvider !== cfg.provider) chain.push(cfg.fallbackProvider);
  const failures: SmsProviderError[] = [];
  for (const name of chain) {
    try {
      const { id } = await attempt(name, cfg, m);
      if (failures.length) console.warn(`SMS to ${maskNumber(m.to)} sent via fallback provider ${name}`);
      return { sent: { provider: name, ...(id ? { id } : {}) }, failures };
    } catch (err) {
      const f = err as SmsProviderError;
      failures.push(f);
      logFailure(f, m.to);
    }
  }
  return { sent: null, failures };
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
  const { sent, failures } = await throughChain(await effectiveSmsConfig(), m);
  if (sent) return;
  const safe = failures.find((f) => f.userMessage)?.userMessage;
  throw new UserError(ErrorCodes.DELIVERY_FAILED, safe ?? GENERIC_FAILURE);
}

/** One provider's failure in words for the admin: "Twilio failed (timeout): no answer within 3000 ms". */
const failureText = (f: SmsProviderError) => (f.kind === "config" ? f.detail : `${SMS_PROVIDER_LABELS[f.provider]} failed (${f.kind}): ${f.detail}`);

/** Whether SMS may be sent to this number's country (S8: admin allowlist; default: the regional country). */
export async function smsAllowedFor(e164: string): Promise<boolean> {
  const [sms, regional] = await Promise.all([getSettings("sms"), getSettings("regional")]);
  const allowed = sms.allowedCountries.length ? sms.allowedCountries : [regional.defaultCountry];
  const country = countryOf(e164);
  return Boolean(country && allowed.includes(country));
}

export type TestSmsResult =
  { ok: true; provider: SmsProviderName; id?: string; message: string; failedOver: boolean } | { ok: false; provider: SmsProviderName; message: string };

/**
 * The admin's "Send test SMS": the same path as every code — the active provider, then the fallback —
 * and a report of what happened: which provider delivered, and which failed before it and why. The
 * country allowlist applies.
 */
export async function sendTestSms(to: string): Promise<TestSmsResult> {
  const cfg = await effectiveSmsConfig();
  const number = to.replace(/[\s().-]/g, "");
  if (!E164.test(number)) {
    return { ok: false, provider: cfg.provider, message: "Enter the number in international format, for example +14155550123." };
  }
  if (!(await smsAllowedFor(number))) {
    return {
      ok: false,
      provider: cfg.provider,
      message: "This number's country is not on the SMS country allowlist. Add its country code under Limits first.",
    };
  }
  const { sent, failures } = await throughChain(cfg, { to: number, body: "Latchkey test message: SMS delivery works." });
  const failed = failures.map(failureText).join("; ");
  if (!sent) return { ok: false, provider: cfg.provider, message: failed };
  const through = SMS_PROVIDER_LABELS[sent.provider];
  const message = failures.length ? `${failed}. Sent through the fallback provider, ${through}.` : `Sent through ${through}.`;
  return { ok: true, provider: sent.provider, ...(sent.id ? { id: sent.id } : {}), message, failedOver: failures.length > 0 };
}
