import Link from "next/link";
import { linkIsUsable } from "@/lib/codes";
import { ConfirmLinkForm } from "./confirm-link-form";

export const metadata = { title: "Confirm email", referrer: "no-referrer" };

// Email links land here and the user confirms with a POST: a GET never changes state.
export default async function ConfirmEmailLinkPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const token = (await searchParams).token ?? "";
  const usable = token ? await linkIsUsable("email_confirm", token) : false;
  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold">Confirm your email</h1>
      {usable ? (
        <>
          <p className="mb-6 text-sm text-slate-700">Press the button to confirm your email address.</p>
          <ConfirmLinkForm token={token} />
        </>
      ) : (
        <p className="text-sm text-slate-700">
          This link has expired or was already used. <Link href="/login" className="text-brand-600 underline">Sign in</Link> and ask
          for a new code from the confirmation page.
        </p>
      )}
    </>
  );
}
