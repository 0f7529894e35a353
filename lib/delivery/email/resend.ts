import "server-only";
// Resend (S6) through its SDK; the base URL is overridable for proxies and tests.
import { Resend } from "resend";
import type { EmailProvider } from "@/lib/delivery/email";

export function resendProvider(cfg: { apiKey: string; baseUrl?: string; from: string; timeoutMs: number }): EmailProvider {
  const client = new Resend(cfg.apiKey, cfg.baseUrl ? { baseUrl: cfg.baseUrl.replace(/\/+$/, "") } : undefined);
  return {
    name: "resend",
    async send(m) {
      // The SDK never throws: failures (also connection errors) come back as `error`.
      const { error } = await client.emails.send(
        { from: cfg.from, to: [m.to], subject: m.subject, html: m.html, text: m.text },
        { signal: AbortSignal.timeout(cfg.timeoutMs) },
      );
      if (error) throw new Error(`resend: ${error.name ?? "error"}: ${error.message}`);
    },
  };
}
