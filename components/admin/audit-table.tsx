// The audit log (T9): columns User, Action, Time, with filters by user, action and date range, and CSV export.
import { listAudit } from "@/lib/audit";
import { auditFilterSchema, describeAudit } from "@/lib/audit-view";

export async function AuditTable({ params, basePath }: { params: Record<string, string | undefined>; basePath: string }) {
  const filter = auditFilterSchema.parse(params);
  const rows = await listAudit({ user: filter.user, action: filter.action, from: filter.from, to: filter.to, limit: 300 });
  const qs = new URLSearchParams(Object.entries({ user: filter.user, action: filter.action, from: params.from, to: params.to }).filter(([, v]) => v) as [string, string][]);
  return (
    <div className="space-y-4">
      <form method="get" action={basePath} className="flex flex-wrap items-end gap-3" role="search">
        {params.tab ? <input type="hidden" name="tab" value={params.tab} /> : null}
        <div>
          <label htmlFor="audit-user" className="block text-sm font-medium">User</label>
          <input id="audit-user" name="user" defaultValue={filter.user} placeholder="Name, email or phone" className="rounded-md border border-slate-300 px-3 py-2" />
        </div>
        <div>
          <label htmlFor="audit-action" className="block text-sm font-medium">Action</label>
          <input id="audit-action" name="action" defaultValue={filter.action} placeholder="e.g. signin.failed" className="rounded-md border border-slate-300 px-3 py-2" />
        </div>
        <div>
          <label htmlFor="audit-from" className="block text-sm font-medium">From</label>
          <input id="audit-from" name="from" type="date" defaultValue={params.from} className="rounded-md border border-slate-300 px-3 py-2" />
        </div>
        <div>
          <label htmlFor="audit-to" className="block text-sm font-medium">To</label>
          <input id="audit-to" name="to" type="date" defaultValue={params.to} className="rounded-md border border-slate-300 px-3 py-2" />
        </div>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white">Filter</button>
        <a href={`/admin/audit-log/export?${qs}`} className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold">Export CSV</a>
      </form>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Audit log</caption>
          <thead className="bg-slate-100 text-xs uppercase text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">User</th>
              <th scope="col" className="px-3 py-2">Action</th>
              <th scope="col" className="px-3 py-2">Time</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200">
            {rows.map((r) => (
              <tr key={r.id}>
                <td className="px-3 py-2">{r.userEmail ?? r.userName ?? "—"}</td>
                <td className="px-3 py-2">
                  <span className="font-mono text-xs">{r.action}</span>
                  <span className="block text-xs text-slate-600">{describeAudit(r.detail)}</span>
                </td>
                <td className="whitespace-nowrap px-3 py-2">{r.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC</td>
              </tr>
            ))}
            {rows.length === 0 ? (
              <tr>
                <td colSpan={3} className="px-3 py-6 text-center text-slate-600">No entries match.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </div>
  );
}
