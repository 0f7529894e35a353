import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { confirmsEmail } from "@/lib/accounts/queries";
import { getSettings } from "@/lib/settings";

export const metadata = { title: "Sign in to continue" };

// After sign-up when the confirmation mode sends no email (A4: "none" or "phone"). The page reads the
// same whether or not the address already had an account.
export default async function SignupDonePage() {
  // The settings in force now, read per request (never at build time).
  await connection();
  const { confirmationMode, automaticActivation } = await getSettings("account");
  if (confirmsEmail(confirmationMode)) redirect("/signup");
  const phone = confirmationMode === "phone";
  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold">{phone ? "Next: confirm your phone number" : "Sign in to continue"}</h1>
      <p className="mb-3 text-sm text-slate-700">
        {phone
          ? "Sign in with the email address and password you chose. You'll then be asked for a mobile number, which we confirm with a code by text message."
          : "Sign in with the email address and password you chose."}
      </p>
      {automaticActivation ? null : (
        <p className="mb-3 text-sm text-slate-700">New accounts wait for an administrator to activate them; until then some things are unavailable.</p>
      )}
      <p className="mb-6 text-sm text-slate-700">
        If this address already had an account, we sent it an email and nothing changed: sign in with that account&apos;s password, or reset it.
      </p>
      <Link href="/login" className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
        Sign in
      </Link>
    </>
  );
}
