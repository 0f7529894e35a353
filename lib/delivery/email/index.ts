import "server-only";
// Sending email: Resend when RESEND_API_KEY is set, otherwise the database outbox.
import { env } from "@/lib/env";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { writeOutbox } from "@/lib/delivery/outbox";
import { resendProvider } from "@/lib/delivery/email/resend";

export type EmailMessage = { to: string; subject: string; text: string; html: string };

export interface EmailProvider {
  name: string;
  send(message: EmailMessage): Promise<void>;
}

const outboxProvider: EmailProvider = {
  name: "outbox",
  async send(m) {
    await writeOutbox({ channel: "email", to: m.to, subject: m.subject, body: m.text, html: m.html });
  },
};

export function activeEmailProvider(): EmailProvider {
  const e = env();
  if (e.RESEND_API_KEY) {
    return resendProvider({
      apiKey: e.RESEND_API_KEY,
      baseUrl: e.RESEND_BASE_URL,
      from: e.LATCHKEY_EMAIL_FROM,
      timeoutMs: e.LATCHKEY_EMAIL_TIMEOUT_MS,
    });
  }
  return outboxProvider;
}

/** Sends an email; a provider failure becomes a UserError with a clear message (and the cause is logged). */
export async function sendEmail(message: EmailMessage): Promise<void> {
  const provider = activeEmailProvider();
  try {
    await provider.send(message);
  } catch (err) {
    console.error(`email via ${provider.name} failed:`, err instanceof Error ? err.message : err);
    const failed = new UserError(ErrorCodes.DELIVERY_FAILED, "We couldn't send the email. Please try again in a moment.");
    // The provider's reason, for the logs of callers that keep the message for a retry (lib/notices.ts).
    failed.cause = err;
    throw failed;
  }
}
