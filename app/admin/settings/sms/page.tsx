import { requireAdmin } from "@/lib/auth/guards";
import { env } from "@/lib/env";
import { Notice } from "@/components/ui/form-message";
import { countryOptions } from "@/lib/phone/parse";
import { getSettings } from "@/lib/settings";
import { resolveSmsConfig } from "@/lib/delivery/sms";
import { outboxWarning } from "@/lib/delivery/sms/config";
import { SmsSettingsForm, TestSmsForm } from "./sms-settings-form";

export const metadata = { title: "SMS and regional settings" };

export default async function SmsSettingsPage() {
  await requireAdmin();
  const [view, sms, regional] = await Promise.all([resolveSmsConfig(), getSettings("sms"), getSettings("regional")]);
  const warning = outboxWarning(view, env().NODE_ENV === "production");
  return (
    <div className="space-y-10">
      <div>
        <h1 className="text-2xl font-semibold">SMS and regional</h1>
        <p className="mt-1 text-sm text-slate-600">
          SMS is sent for phone confirmation, phone registration and sign-in, two-factor codes and password recovery. Credentials are encrypted at rest and
          never shown again in full.
        </p>
      </div>
      {warning ? <Notice tone="warning">{warning}</Notice> : null}
      <SmsSettingsForm
        view={view}
        allowedCountries={sms.allowedCountries}
        perNumberDaily={sms.perNumberDaily}
        globalDaily={sms.globalDaily}
        newNumbersHourly={sms.newNumbersHourly}
        regionalCountry={regional.defaultCountry}
        countries={countryOptions()}
      />
      <section aria-labelledby="test-h" className="space-y-3">
        <h2 id="test-h" className="text-lg font-semibold">
          Send test SMS
        </h2>
        <p className="text-sm text-slate-600">
          Sends a message the way codes are sent — the active provider, then the fallback if it fails — and says which one delivered it.
        </p>
        <TestSmsForm countries={countryOptions()} defaultCountry={regional.defaultCountry} />
      </section>
    </div>
  );
}
