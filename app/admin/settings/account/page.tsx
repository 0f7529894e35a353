import { requireAdmin } from "@/lib/auth/guards";
import { getSettings } from "@/lib/settings";
import { AccountSettingsForm } from "./account-settings-form";

export const metadata = { title: "Account settings" };

export default async function AccountSettingsPage() {
  await requireAdmin();
  const settings = await getSettings("account");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Settings › Account</h1>
      <AccountSettingsForm settings={settings} />
    </div>
  );
}
