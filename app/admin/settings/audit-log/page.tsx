import { requireAdmin } from "@/lib/auth/guards";
import { getAuditRetention } from "@/lib/audit/retention";
import { RetentionForm } from "./retention-form";

export const metadata = { title: "Audit log settings" };

export default async function AuditLogSettingsPage() {
  await requireAdmin();
  const { retentionDays } = await getAuditRetention();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Audit log settings</h1>
      <p className="max-w-xl text-sm text-slate-600">
        Every sign-in, failed sign-in and change is recorded in the audit log. Once a day, entries older than the period below are deleted, together with used
        or expired one-time codes and links, ended sign-in steps and sessions.
      </p>
      <RetentionForm retentionDays={retentionDays} />
    </div>
  );
}
