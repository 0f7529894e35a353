import Link from "next/link";
import { redirectIfSignedIn } from "@/lib/auth/guards";
import { countryOptions, formatPhone } from "@/lib/phone/parse";
import { registrationFlows } from "@/lib/phone/register";
import { getSettings } from "@/lib/settings";
import { cooldownEnd } from "@/lib/codes/send";
import { RegisterCodeStep, RegisterDetailsStep, RegisterPhoneStep } from "./register-phone-forms";

export const metadata = { title: "Register with your phone" };

export default async function RegisterPhonePage({ searchParams }: { searchParams: Promise<{ step?: string }> }) {
  await redirectIfSignedIn();
  const step = (await searchParams).step;
  const verified = step === "details" ? await registrationFlows.verified.read() : null;
  const sent = step === "code" ? await registrationFlows.sent.read() : null;
  const [{ defaultCountry }, { confirmationMode }] = await Promise.all([getSettings("regional"), getSettings("account")]);
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold">Register with your phone</h1>
      {verified ? (
        <>
          <p className="mb-6 text-sm text-slate-700">
            <strong>{formatPhone(verified.phone)}</strong> is confirmed. Tell us who you are to finish.
          </p>
          <RegisterDetailsStep emailRequired={confirmationMode === "email" || confirmationMode === "both"} />
        </>
      ) : sent ? (
        <>
          <p className="mb-6 text-sm text-slate-700">
            We sent a 6-digit code to <strong>{formatPhone(sent.phone)}</strong>. Enter it below.
          </p>
          <RegisterCodeStep resendUntil={await cooldownEnd("phone_register", sent.phone)} />
          <p className="mt-6 text-sm">
            <Link href="/register/phone" className="text-brand-600 underline">
              Use a different number
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="mb-6 text-sm text-slate-700">We&apos;ll text you a code to confirm the number.</p>
          <RegisterPhoneStep countries={countryOptions()} defaultCountry={defaultCountry} />
        </>
      )}
      <p className="mt-6 text-sm text-slate-600">
        Prefer email?{" "}
        <Link href="/signup" className="text-brand-600 underline">
          Sign up with email
        </Link>{" "}
        · Have an account?{" "}
        <Link href="/login" className="text-brand-600 underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
