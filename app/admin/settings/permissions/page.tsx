import { requireAdmin } from "@/lib/auth/guards";
import { GUARDED_ACTIONS, pendingPermissions } from "@/lib/permissions";
import { PermissionsForm } from "./permissions-form";

export const metadata = { title: "Pending permissions" };

export default async function PermissionsSettingsPage() {
  await requireAdmin();
  const allowed = await pendingPermissions();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Pending permissions</h1>
      <p className="max-w-2xl text-sm text-slate-700">
        Accounts in <strong>pending</strong> status (created while automatic activation is off, until an administrator activates them) can sign in, but may
        perform only the actions ticked here. Active accounts may perform all of them.
      </p>
      <PermissionsForm actions={GUARDED_ACTIONS.map(({ key, label }) => ({ key, label }))} allowed={allowed} />
    </div>
  );
}
