import Link from "next/link";
import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/guards";
import { confirmationNeeds } from "@/lib/accounts/queries";
import { needsFirstProfile } from "@/lib/profiles";
import { getSettings } from "@/lib/settings";
import { ProfileForm } from "@/components/forms/profile-form";
import { signOutAction } from "@/components/layout/sign-out";
import { createFirstProfileAction } from "./actions";

export const metadata = { title: "Create your first profile" };

export default async function FirstProfilePage() {
  const { user } = await requireUser({ allowWithoutProfile: true });
  if (!(await needsFirstProfile(user))) redirect("/dashboard");
  const { profileTypes, defaultProfileType, confirmationMode } = await getSettings("account");
  const needs = confirmationNeeds(user, confirmationMode);
  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold">Create your first profile</h1>
      <p className="mb-6 text-sm text-slate-700">
        A profile is the name others see. Create one to start using your account; you can add more and rename them later.
      </p>
      <ProfileForm
        action={createFirstProfileAction}
        types={profileTypes}
        defaultType={defaultProfileType}
        defaultName={user.name}
        submitLabel="Create profile"
      />
      {needs.email || needs.phone ? (
        <p className="mt-6 text-sm text-slate-700">
          Your account is not confirmed yet.{" "}
          <Link href="/confirm" className="font-semibold text-brand-600 underline">
            Confirm it now
          </Link>
        </p>
      ) : null}
      <form action={signOutAction} className="mt-6 border-t border-slate-200 pt-4">
        <button type="submit" className="text-sm font-medium text-slate-700 underline">
          Sign out
        </button>
      </form>
    </>
  );
}
