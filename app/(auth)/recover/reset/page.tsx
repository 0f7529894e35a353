import Link from "next/link";
import { ExpiredLink } from "@/components/ui/expired-link";
import { linkIsUsable } from "@/lib/codes";
import { ResetWithLinkForm } from "../recover-forms";

export const metadata = { title: "Choose a new password", referrer: "no-referrer" };

// The emailed link lands here; the token is used only when the form is posted.
export default async function ResetPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const token = (await searchParams).token ?? "";
  const usable = token ? await linkIsUsable("recovery", token) : false;
  if (!usable) {
    return (
      <ExpiredLink why="Password reset links work once, for a limited time. Ask for a new one: it takes a minute." signInPrompt="Remembered it?">
        <Link
          href="/recover"
          className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700"
        >
          Send a new link
        </Link>
      </ExpiredLink>
    );
  }
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold">Choose a new password</h1>
      <p className="mb-6 text-sm text-slate-700">Setting a new password signs you out everywhere.</p>
      <ResetWithLinkForm token={token} />
    </>
  );
}
