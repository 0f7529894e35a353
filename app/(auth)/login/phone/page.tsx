import Link from "next/link";
import { redirectIfSignedIn } from "@/lib/auth/guards";
import { safeNext } from "@/lib/action";
import { countryOptions, formatPhone } from "@/lib/phone/parse";
import { phoneLoginFlow } from "@/lib/phone/login";
import { getSettings } from "@/lib/settings";
import { CodeStep, PhoneStep } from "./phone-login-forms";
import { DeliveryNotice } from "@/components/ui/delivery-notice";
import { cooldownEnd } from "@/lib/codes/send";

export const metadata = { title: "Sign in with your phone" };

export default async function PhoneLoginPage({ searchParams }: { searchParams: Promise<{ step?: string; next?: string }> }) {
  await redirectIfSignedIn();
  const sp = await searchParams;
  const flow = sp.step === "code" ? await phoneLoginFlow.read() : null;
  const { defaultCountry } = await getSettings("regional");
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold">Sign in with your phone</h1>
      {flow ? (
        <>
          <p className="mb-6 text-sm text-slate-700">
            If an account uses <strong>{formatPhone(flow.phone)}</strong>, we sent it a 6-digit code by SMS. Enter it below.
          </p>
          <DeliveryNotice channel="sms" />
          <CodeStep resendUntil={await cooldownEnd("phone_login", flow.phone)} />
          <p className="mt-6 text-sm">
            <Link href="/login/phone" className="text-brand-600 underline">
              Use a different number
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="mb-6 text-sm text-slate-700">We&apos;ll text a code to the phone number confirmed on your account.</p>
          <PhoneStep countries={countryOptions()} defaultCountry={defaultCountry} next={sp.next ? safeNext(sp.next) : undefined} />
        </>
      )}
      <p className="mt-6 text-sm text-slate-600">
        <Link href="/login" className="text-brand-600 underline">
          Sign in with a password instead
        </Link>
      </p>
    </>
  );
}
