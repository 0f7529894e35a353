import "server-only";
// Clickatell (S2), Platform REST API: POST {base}/messages, the API key as the whole Authorization
// header (no "Bearer"), JSON { content, to: [digits], from? }; 202 with messages[].accepted per number.
import { SAFE_REASONS, SmsProviderError } from "@/lib/delivery/sms/errors";
import type { SmsProvider } from "@/lib/delivery/sms";

export type ClickatellConfig = { apiKey: string; from: string; baseUrl: string; timeoutMs: number };

type ClickatellError = { errorCode?: number | string | null; error?: string | null; errorDescription?: string | null };
type ClickatellResponse = ClickatellError & {
  messages?: Array<ClickatellError & { apiMessageId?: string | null; accepted?: boolean; to?: string }>;
};

// Clickatell error codes whose meaning is safe to show (its "API error codes" list).
const SAFE_CLICKATELL_CODES: Record<number, string> = {
  105: SAFE_REASONS.invalidNumber, // Invalid destination address
  114: SAFE_REASONS.unroutable, // Cannot route message
  121: SAFE_REASONS.optedOut, // Destination mobile number blocked (opted out)
};

/** Clickatell wants international numbers as digits only: no "+" and no "00". */
const digits = (n: string) => n.replace(/\D/g, "");

export function clickatellProvider(cfg: ClickatellConfig): SmsProvider {
  return {
    name: "clickatell",
    async send(m) {
      const body: Record<string, unknown> = { content: m.body, to: [digits(m.to)] };
      if (cfg.from) body.from = digits(cfg.from);
      let res: Response;
      try {
        res = await fetch(`${cfg.baseUrl.replace(/\/+$/, "")}/messages`, {
          method: "POST",
          headers: { Authorization: cfg.apiKey, "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(cfg.timeoutMs),
        });
      } catch (err) {
        throw fetchFailure("clickatell", err);
      }
      const text = await res.text().catch(() => "");
      let json: ClickatellResponse | null = null;
      try {
        json = text ? (JSON.parse(text) as ClickatellResponse) : null;
      } catch {
        json = null;
      }
      const first = json?.messages?.[0];
      if (res.ok && first?.accepted === true) return { id: first.apiMessageId ?? undefined };

      // The error is either per message or for the whole request.
      const e: ClickatellError = first && first.accepted === false ? first : (json ?? {});
      const code = e.errorCode == null ? undefined : Number(e.errorCode);
      const detail = `HTTP ${res.status}${code !== undefined ? ` error ${code}` : ""}${e.error ? `: ${e.error}` : ""}${
        e.errorDescription ? ` (${e.errorDescription})` : ""
      }`;
      if (res.status === 401 || code === 1) throw new SmsProviderError("clickatell", "auth", `credentials rejected (${detail})`);
      if (res.status >= 500 || !json) throw new SmsProviderError("clickatell", "unavailable", detail);
      const safe = code !== undefined ? SAFE_CLICKATELL_CODES[code] : undefined;
      throw new SmsProviderError("clickatell", "rejected", detail, safe);
    },
  };
}

/** fetch() failures: a timeout (AbortSignal.timeout) or no connection. */
export function fetchFailure(provider: "clickatell" | "twofactor", err: unknown): SmsProviderError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") {
    return new SmsProviderError(provider, "timeout", "no answer in time");
  }
  const cause = e?.cause?.code ?? e?.cause?.message ?? "";
  return new SmsProviderError(provider, "network", `request failed: ${e?.message ?? String(err)}${cause ? ` (${cause})` : ""}`);
}
