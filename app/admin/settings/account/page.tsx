import { requireAdmin } from "@/lib/auth/guards";
import { getSettings } from "@/lib/settings";
import { AccountSettingsForm } from "./account-settings-form";
import { ProfileTypesForm } from "./profile-types-form";

export const metadata = { title: "Account settings" };

export default async function AccountSettingsPage() {
  await requireAdmin();
  const settings = await getSettings("account");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Account settings</h1>
      <AccountSettingsForm settings={settings} />
      <section aria-labelledby="profile-types-h" className="space-y-4 border-t border-slate-200 pt-6">
        <h2 id="profile-types-h" className="text-lg font-semibold">
          Profile types
        </h2>
        <ProfileTypesForm types={settings.profileTypes} />
      </section>
    </div>
  );
}
