import "server-only";
// The outbox "provider" (S7): the SMS is stored in the database outbox instead of being sent.
import { writeOutbox } from "@/lib/delivery/outbox";
import type { SmsProvider } from "@/lib/delivery/sms";

export const outboxProvider: SmsProvider = {
  name: "outbox",
  async send(m) {
    await writeOutbox({ channel: "sms", to: m.to, body: m.body });
    return {};
  },
};
