import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/auth/guards";

// The regional country is set on the SMS page now; old links land on its section.
export default async function RegionalSettingsPage() {
  await requireAdmin();
  redirect("/admin/settings/sms#regional");
}
