import { requireAdmin } from "@/lib/auth/guards";
import { AuditTable } from "@/components/admin/audit-table";

export const metadata = { title: "Audit log" };

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireAdmin();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <AuditTable params={await searchParams} basePath="/admin/audit-log" />
    </div>
  );
}
