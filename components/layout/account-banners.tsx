import Link from "next/link";
import type { User } from "@/db/schema";
import { confirmationNeeds } from "@/lib/accounts/queries";
import { getSettings } from "@/lib/settings";

/** The banners shown on every signed-in page until the account is confirmed and active (A2, A4). */
export async function AccountBanners({ user }: { user: User }) {
  const { confirmationMode } = await getSettings("account");
  const needs = confirmationNeeds(user, confirmationMode);
  const what = needs.email && needs.phone ? "email address and phone number" : needs.email ? "email address" : "phone number";
  return (
    <>
      {needs.email || needs.phone ? (
        <div role="region" aria-label="Account confirmation" className="border-b border-amber-300 bg-amber-50">
          <p className="mx-auto w-full max-w-6xl px-4 py-2 text-sm text-amber-950">
            Please confirm your {what}.{" "}
            <Link href="/confirm" className="font-semibold underline">
              Confirm now
            </Link>
          </p>
        </div>
      ) : null}
      {user.status === "pending" ? (
        <div role="region" aria-label="Account activation" className="border-b border-blue-200 bg-blue-50">
          <p className="mx-auto w-full max-w-6xl px-4 py-2 text-sm text-blue-950">
            Your account is awaiting activation by an administrator. Some features are unavailable until then.
          </p>
        </div>
      ) : null}
    </>
  );
}
