import { requireAdmin } from "@/lib/auth/guards";
import Link from "next/link";
import { ClientForm } from "../client-form";

export const metadata = { title: "New app" };

export default async function NewClientPage() {
  await requireAdmin();
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/clients" className="text-brand-600 underline">
          ← Apps
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">New app</h1>
      <ClientForm />
    </div>
  );
}
