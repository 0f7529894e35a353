import { requireAdmin } from "@/lib/auth/guards";
import { countryOptions } from "@/lib/phone/parse";
import { getSettings } from "@/lib/settings";
import { RegionalForm } from "./regional-form";

export const metadata = { title: "Regional settings" };

export default async function RegionalSettingsPage() {
  await requireAdmin();
  const { defaultCountry } = await getSettings("regional");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Settings › Regional</h1>
      <RegionalForm countries={countryOptions()} defaultCountry={defaultCountry} />
    </div>
  );
}
