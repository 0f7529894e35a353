import { requireUser } from "@/lib/auth/guards";
import { listProfiles } from "@/lib/profiles";
import { getSettings } from "@/lib/settings";
import { ProfileForm } from "@/components/forms/profile-form";
import { createProfileAction, updateProfileAction } from "./actions";
import { DeleteProfileButton } from "./delete-profile-button";

export const metadata = { title: "Profiles" };

export default async function ProfilesPage() {
  const { user } = await requireUser();
  const [profiles, { profileTypes, defaultProfileType, profileLimit }] = await Promise.all([listProfiles(user.id), getSettings("account")]);
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Profiles</h1>
      <p className="text-sm text-slate-700">
        {profileLimit > 0
          ? `You have ${profiles.length} of at most ${profileLimit} ${profileLimit === 1 ? "profile" : "profiles"}.`
          : `You have ${profiles.length} ${profiles.length === 1 ? "profile" : "profiles"}.`}
      </p>
      {profiles.length ? (
        <ul className="space-y-4" aria-label="Your profiles">
          {profiles.map((p) => (
            <li key={p.id} data-profile={p.name} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
              <h2 className="font-semibold [overflow-wrap:anywhere]">
                {p.name} <span className="text-sm font-normal text-slate-600">· {p.type}</span>
              </h2>
              <div className="grid min-w-0 gap-4 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-end">
                <ProfileForm
                  action={updateProfileAction}
                  types={profileTypes}
                  defaultType={p.type}
                  defaultName={p.name}
                  profileId={p.id}
                  idPrefix={`profile-${p.id}`}
                  submitLabel="Save"
                />
                <DeleteProfileButton profileId={p.id} name={p.name} />
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-700">You have no profiles yet.</p>
      )}
      <section aria-labelledby="add-profile-h" className="max-w-xl space-y-4 rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="add-profile-h" className="text-lg font-semibold">
          Add a profile
        </h2>
        <ProfileForm action={createProfileAction} types={profileTypes} defaultType={defaultProfileType} idPrefix="new-profile" submitLabel="Create profile" />
      </section>
    </div>
  );
}
