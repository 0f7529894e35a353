import Link from "next/link";
import { requireUser } from "@/lib/auth/guards";
import { confirmationNeeds } from "@/lib/accounts/queries";
import { getSettings } from "@/lib/settings";
import { Notice } from "@/components/ui/form-message";
import { DeliveryNotice } from "@/components/ui/delivery-notice";
import { ConfirmEmailForm } from "./confirm-email-form";
import { PhoneConfirmForm } from "@/app/(app)/account/security/phone-form";
import { phoneConfirmFlow } from "@/lib/phone/confirm";
import { countryOptions, formatPhone } from "@/lib/phone/parse";
import { cooldownEnd } from "@/lib/codes/send";

export const metadata = { title: "Confirm your account" };

export default async function ConfirmPage({ searchParams }: { searchParams: Promise<{ done?: string }> }) {
  const { user } = await requireUser({ allowWithoutProfile: true });
  const [{ confirmationMode }, { defaultCountry }] = await Promise.all([getSettings("account"), getSettings("regional")]);
  const pending = await phoneConfirmFlow.read();
  const needs = confirmationNeeds(user, confirmationMode);
  const done = (await searchParams).done;
  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold">Confirm your account</h1>
      {done === "email" ? (
        <div className="mb-4">
          <Notice>Your email address is confirmed.</Notice>
        </div>
      ) : null}
      {needs.email ? (
        <section aria-labelledby="confirm-email" className="space-y-3">
          <h2 id="confirm-email" className="text-lg font-semibold">
            Email
          </h2>
          <p className="text-sm text-slate-700">
            We sent a code and a link to <strong>{user.email}</strong>. Enter the code below or follow the link.
          </p>
          <ConfirmEmailForm resendUntil={user.email ? await cooldownEnd("email_confirm", user.email) : null} />
        </section>
      ) : null}
      {needs.phone ? (
        <section aria-labelledby="confirm-phone" className="mt-6 space-y-3">
          <h2 id="confirm-phone" className="text-lg font-semibold">
            Phone
          </h2>
          {user.canReceiveSms ? (
            <>
              <p className="text-sm text-slate-700">Enter your mobile number. We&apos;ll text you a code to confirm it.</p>
              {pending?.userId === user.id ? <DeliveryNotice channel="sms" /> : null}
              <PhoneConfirmForm
                countries={countryOptions()}
                defaultCountry={defaultCountry}
                pendingPhone={pending?.userId === user.id ? pending.phone : null}
                pendingPhoneLabel={pending ? formatPhone(pending.phone) : undefined}
                resendUntil={pending?.userId === user.id ? await cooldownEnd("phone_confirm", pending.phone) : null}
              />
            </>
          ) : (
            <p className="text-sm text-slate-700">Text messages are turned off for your account. Contact your administrator to confirm a phone number.</p>
          )}
        </section>
      ) : null}
      {!needs.email && !needs.phone ? (
        <p className="text-sm text-slate-700">
          Your account is confirmed.{" "}
          <Link href="/dashboard" className="text-brand-600 underline">
            Continue
          </Link>
        </p>
      ) : null}
    </>
  );
}
