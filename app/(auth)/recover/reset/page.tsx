import Link from "next/link";
import { linkIsUsable } from "@/lib/codes";
import { ResetWithLinkForm } from "../recover-forms";

export const metadata = { title: "Choose a new password", referrer: "no-referrer" };

// The emailed link lands here; the token is used only when the form is posted.
export default async function ResetPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const token = (await searchParams).token ?? "";
  const usable = token ? await linkIsUsable("recovery", token) : false;
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold">Choose a new password</h1>
      {usable ? (
        <>
          <p className="mb-6 text-sm text-slate-700">Setting a new password signs you out everywhere.</p>
          <ResetWithLinkForm token={token} />
        </>
      ) : (
        <p className="text-sm text-slate-700">
          This link has expired or was already used.{" "}
          <Link href="/recover" className="text-brand-600 underline">
            Ask for a new one
          </Link>
          .
        </p>
      )}
    </>
  );
}
