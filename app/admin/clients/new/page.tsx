import { requireAdmin } from "@/lib/auth/guards";
import { ClientForm } from "../client-form";
import { BackToApps } from "../back-to-apps";

export const metadata = { title: "New app" };

export default async function NewClientPage() {
  await requireAdmin();
  return (
    <div className="space-y-6">
      <BackToApps />
      <h1 className="text-2xl font-semibold">New app</h1>
      <ClientForm />
    </div>
  );
}
