import Link from "next/link";
import { z } from "zod";
import { CheckEmailForms } from "./check-email-forms";
import { DeliveryNotice } from "@/components/ui/delivery-notice";
import { getSettings } from "@/lib/settings";

export const metadata = { title: "Check your email" };

export default async function CheckEmailPage({ searchParams }: { searchParams: Promise<{ email?: string }> }) {
  const parsed = z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .email()
    .safeParse((await searchParams).email);
  const { confirmationMode, automaticActivation } = await getSettings("account");
  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold">Check your email</h1>
      {parsed.success ? (
        <>
          <p className="mb-6 text-sm text-slate-700">
            We sent a message to <strong>{parsed.data}</strong>. Enter the 6-digit code from it, or follow its link. The code is valid for 10 minutes.
            {confirmationMode === "both" ? " After that, you'll confirm a mobile number with a code by text message." : null}
            {automaticActivation ? null : " New accounts then wait for an administrator to activate them; until then some things are unavailable."}
          </p>
          <DeliveryNotice channel="email" />
          <CheckEmailForms email={parsed.data} />
        </>
      ) : (
        <p className="text-sm text-slate-700">This link is incomplete. Start again from the sign-up page.</p>
      )}
      <p className="mt-6 text-sm text-slate-600">
        <Link href="/login" className="text-brand-600 underline">
          Back to sign in
        </Link>
      </p>
    </>
  );
}
