import "server-only";
// Twilio (S1) through its SDK. The SDK has no base-URL option, so a RequestClient subclass points its
// requests at the configured base URL (for proxies and tests); auth, form encoding and errors stay Twilio's.
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient";
import { SAFE_REASONS, SmsProviderError } from "@/lib/delivery/sms/errors";
import type { SmsProvider } from "@/lib/delivery/sms";

export type TwilioConfig = { accountSid: string; authToken: string; from: string; baseUrl: string; timeoutMs: number };

// Twilio error codes whose meaning is safe and useful to show the person who typed the number.
// https://www.twilio.com/docs/api/errors
const SAFE_TWILIO_CODES: Record<number, string> = {
  21211: SAFE_REASONS.invalidNumber, // Invalid 'To' Phone Number
  21217: SAFE_REASONS.invalidNumber, // Phone number does not appear to be valid
  21614: SAFE_REASONS.notMobile, // 'To' number is not a valid mobile number
  21610: SAFE_REASONS.optedOut, // Attempt to send to unsubscribed recipient
  21408: SAFE_REASONS.regionBlocked, // Permission to send an SMS has not been enabled for the region
  21612: SAFE_REASONS.unroutable, // The 'To' phone number is not currently reachable
};

type RequestOptions<TData> = RequestClient.RequestOptions<TData>;

class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(
    private readonly base: URL,
    private readonly timeoutMs: number,
  ) {
    super({ timeout: timeoutMs, keepAlive: false });
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const target = new URL(opts.uri);
    const prefix = this.base.pathname.replace(/\/+$/, "");
    target.protocol = this.base.protocol;
    target.host = this.base.host;
    target.pathname = `${prefix}${target.pathname}`;
    return super.request<TData>({ ...opts, uri: target.toString(), timeout: this.timeoutMs });
  }
}

export function twilioProvider(cfg: TwilioConfig): SmsProvider {
  return {
    name: "twilio",
    async send(m) {
      let client: ReturnType<typeof twilio>;
      try {
        client = twilio(cfg.accountSid, cfg.authToken, {
          httpClient: new BaseUrlRequestClient(new URL(cfg.baseUrl), cfg.timeoutMs),
          autoRetry: false,
        });
      } catch (err) {
        // e.g. "accountSid must start with AC": a settings problem, not a delivery one.
        throw new SmsProviderError("twilio", "config", `invalid configuration: ${err instanceof Error ? err.message : String(err)}`);
      }
      try {
        const message = await client.messages.create({ to: m.to, from: cfg.from, body: m.body });
        return { id: message.sid };
      } catch (err) {
        throw twilioFailure(err);
      }
    },
  };
}

function twilioFailure(err: unknown): SmsProviderError {
  const e = err as { status?: unknown; code?: unknown; message?: unknown; moreInfo?: unknown };
  if (err instanceof twilio.RestException || (typeof e?.status === "number" && e.status >= 400)) {
    const status = e.status as number;
    const code = typeof e.code === "number" ? e.code : undefined;
    const text = typeof e.message === "string" ? e.message : "";
    const detail = `HTTP ${status}${code ? ` error ${code}` : ""}${text ? `: ${text}` : ""}`;
    if (status === 401 || code === 20003) return new SmsProviderError("twilio", "auth", `credentials rejected (${detail})`);
    if (code && SAFE_TWILIO_CODES[code]) return new SmsProviderError("twilio", "rejected", detail, SAFE_TWILIO_CODES[code]);
    return new SmsProviderError("twilio", status >= 500 ? "unavailable" : "rejected", detail);
  }
  // Not a RestException: axios could not get an answer (timeout, refused, reset).
  const ax = err as { code?: string; message?: string };
  if (ax?.code === "ECONNABORTED" || ax?.code === "ETIMEDOUT") {
    return new SmsProviderError("twilio", "timeout", `no answer in time (${ax.message ?? ax.code})`);
  }
  return new SmsProviderError("twilio", "network", `request failed: ${ax?.code ?? ""} ${ax?.message ?? String(err)}`.trim());
}
