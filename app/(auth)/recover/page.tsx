import Link from "next/link";
import { formatPhone } from "@/lib/phone/parse";
import { recoveryFlow, smsRecoveryEnabled } from "@/lib/accounts/recovery";
import { RecoverCodeForm, RecoverStartForm } from "./recover-forms";
import { DeliveryNotice } from "@/components/ui/delivery-notice";
import { cooldownEnd } from "@/lib/codes/send";

export const metadata = { title: "Reset your password", referrer: "no-referrer" };

export default async function RecoverPage({ searchParams }: { searchParams: Promise<{ step?: string }> }) {
  const step = (await searchParams).step;
  const flow = step === "code" ? await recoveryFlow.read() : null;
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold">Reset your password</h1>
      {flow ? (
        <>
          <p className="mb-6 text-sm text-slate-700">
            If an account matches <strong>{flow.kind === "phone" ? formatPhone(flow.target) : flow.target}</strong>, we sent it a 6-digit code
            {flow.kind === "email" ? " and a link" : " by SMS"}. Enter the code and choose a new password. This signs you out everywhere.
          </p>
          <DeliveryNotice channel={flow.kind === "phone" ? "sms" : "email"} />
          <RecoverCodeForm source={flow.kind === "phone" ? "sms" : "email"} resendUntil={await cooldownEnd("recovery", flow.target)} />
          <p className="mt-6 text-sm">
            <Link href="/recover" className="text-brand-600 underline">
              Start again
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="mb-6 text-sm text-slate-700">We&apos;ll send you a code to choose a new password.</p>
          <RecoverStartForm smsEnabled={await smsRecoveryEnabled()} />
        </>
      )}
      <p className="mt-6 text-sm text-slate-600">
        <Link href="/login" className="text-brand-600 underline">
          Back to sign in
        </Link>
      </p>
    </>
  );
}
