import { ExpiredLink } from "@/components/ui/expired-link";
import { linkIsUsable } from "@/lib/codes";
import { ConfirmLinkForm } from "./confirm-link-form";
import { NewLinkForm } from "./new-link-form";

export const metadata = { title: "Confirm email", referrer: "no-referrer" };

// Email links land here and the user confirms with a POST: a GET never changes state.
export default async function ConfirmEmailLinkPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const token = (await searchParams).token ?? "";
  const usable = token ? await linkIsUsable("email_confirm", token) : false;
  if (!usable) {
    return (
      <ExpiredLink
        why="Confirmation links work once, for a limited time. Enter your email address and we will send a new link and code if the address is waiting for confirmation."
        signInPrompt="Already confirmed?"
      >
        <NewLinkForm />
      </ExpiredLink>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold">Confirm your email</h1>
      <p className="mb-6 text-sm text-slate-700">Press the button to confirm your email address.</p>
      <ConfirmLinkForm token={token} />
    </>
  );
}
