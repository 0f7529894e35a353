import "server-only";
// 2Factor.in (S3), OTP SMS API: GET {base}/API/V1/{api_key}/SMS/{phone}/{otp}[/{template}] →
// { Status: "Success" | "Error", Details }. 2Factor composes the text itself from the template (the
// account's default OTP template when none is named), so it gets the code, not our message body.
// The sender ID is bound to the template in the 2Factor dashboard (DLT registration); this endpoint
// takes none, so the setting is informational here.
import { randomDigits } from "@/lib/crypto";
import { fetchFailure } from "@/lib/delivery/sms/clickatell";
import { SAFE_REASONS, SmsProviderError } from "@/lib/delivery/sms/errors";
import type { SmsProvider } from "@/lib/delivery/sms";

export type TwoFactorConfig = { apiKey: string; senderId: string; template: string; baseUrl: string; timeoutMs: number };

export function twofactorProvider(cfg: TwoFactorConfig): SmsProvider {
  return {
    name: "twofactor",
    async send(m) {
      // A message without a code (the admin's test SMS) still needs one: 2Factor only sends OTPs.
      const code = m.code && /^\d{4,8}$/.test(m.code) ? m.code : randomDigits(6);
      // Country code and number as digits, without the "+".
      const phone = m.to.replace(/\D/g, "");
      const segments = ["API", "V1", cfg.apiKey, "SMS", phone, code, ...(cfg.template ? [cfg.template] : [])];
      const url = `${cfg.baseUrl.replace(/\/+$/, "")}/${segments.map(encodeURIComponent).join("/")}`;
      let res: Response;
      try {
        res = await fetch(url, { method: "GET", headers: { Accept: "application/json" }, signal: AbortSignal.timeout(cfg.timeoutMs) });
      } catch (err) {
        // Never log the URL: it holds the API key.
        throw fetchFailure("twofactor", err);
      }
      const text = await res.text().catch(() => "");
      let json: { Status?: string; Details?: string } | null = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      if (res.ok && json?.Status === "Success") return { id: json.Details };
      const reason = typeof json?.Details === "string" ? json.Details : "";
      const detail = `HTTP ${res.status}${json?.Status ? ` ${json.Status}` : ""}${reason ? `: ${reason}` : ""}`;
      if (res.status >= 500 || !json) throw new SmsProviderError("twofactor", "unavailable", detail);
      if (/api key/i.test(reason) || res.status === 401 || res.status === 403) {
        throw new SmsProviderError("twofactor", "auth", `credentials rejected (${detail})`);
      }
      const safe = /invalid phone|phone number/i.test(reason) ? SAFE_REASONS.invalidNumber : undefined;
      throw new SmsProviderError("twofactor", "rejected", detail, safe);
    },
  };
}
