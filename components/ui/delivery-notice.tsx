// Shown on the pages that wait for a code which is sent after the answer (recovery, phone sign-in,
// resend-confirmation): when the last delivery on that channel failed, every visitor is told —
// whether or not their own message was due — so the notice says nothing about one account (O5).
import { deliveryTrouble, type Channel } from "@/lib/delivery/deferred";
import { Notice } from "./form-message";

export async function DeliveryNotice({ channel }: { channel: Channel }) {
  if (!(await deliveryTrouble(channel))) return null;
  return (
    <div className="mb-4">
      <Notice tone="warning">
        {channel === "sms" ? "We're having trouble sending text messages right now." : "We're having trouble sending email right now."} If no code arrives
        within a minute, ask for a new one, or try again later.
      </Notice>
    </div>
  );
}
