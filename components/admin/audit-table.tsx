// The audit log (T9): who did it, the account affected, the action in words and the time, with filters
// by user, action and date range, and the same columns as CSV.
import { listAudit } from "@/lib/audit";
import { AUDIT_ACTION_OPTIONS, actionLabel } from "@/lib/audit/actions";
import { auditFilterSchema, describeAudit } from "@/lib/audit/view";
import { formatDateTime } from "@/lib/shared/format";

const time = formatDateTime;
const input = "mt-1 block h-10 w-full min-w-0 rounded-md border border-slate-300 bg-white px-3";

export async function AuditTable({ params, basePath }: { params: Record<string, string | undefined>; basePath: string }) {
  const parsed = auditFilterSchema.safeParse(params);
  // A user filter that cannot be searched shows its message and lists nothing.
  const userError = parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === "user")?.message;
  const filter = parsed.success ? parsed.data : auditFilterSchema.parse({ ...params, user: undefined });
  const rows = userError ? [] : await listAudit({ user: filter.user, action: filter.action, from: filter.from, to: filter.to, limit: 300 });
  const qs = new URLSearchParams(
    Object.entries({ user: filter.user, action: filter.action, from: params.from, to: params.to }).filter(([, v]) => v) as [string, string][],
  );
  return (
    <div className="space-y-4">
      <form
        method="get"
        action={basePath}
        className="grid items-end gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1.3fr)_minmax(0,1.3fr)_minmax(0,1fr)_minmax(0,1fr)_auto_auto]"
        role="search"
      >
        {params.tab ? <input type="hidden" name="tab" value={params.tab} /> : null}
        <div className="min-w-0">
          <label htmlFor="audit-user" className="block text-sm font-medium">
            User
          </label>
          <input
            id="audit-user"
            name="user"
            defaultValue={userError ? undefined : filter.user}
            placeholder="Name, email or phone"
            aria-invalid={userError ? true : undefined}
            aria-describedby={userError ? "audit-user-error" : undefined}
            className={input}
          />
          {userError ? (
            <p id="audit-user-error" className="text-sm text-red-700">
              {userError}
            </p>
          ) : null}
        </div>
        <div className="min-w-0">
          <label htmlFor="audit-action" className="block text-sm font-medium">
            Action
          </label>
          <select id="audit-action" name="action" defaultValue={filter.action ?? ""} className={input}>
            <option value="">All actions</option>
            {AUDIT_ACTION_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="min-w-0">
          <label htmlFor="audit-from" className="block text-sm font-medium">
            From
          </label>
          <input id="audit-from" name="from" type="date" defaultValue={params.from} className={input} />
        </div>
        <div className="min-w-0">
          <label htmlFor="audit-to" className="block text-sm font-medium">
            To
          </label>
          <input id="audit-to" name="to" type="date" defaultValue={params.to} className={input} />
        </div>
        <button type="submit" className="h-10 rounded-md bg-brand-600 px-4 text-sm font-semibold text-white hover:bg-brand-700">
          Filter
        </button>
        <a
          href={`/admin/audit-log/export?${qs}`}
          className="inline-flex h-10 items-center justify-center rounded-md border border-slate-300 bg-white px-4 text-sm font-semibold hover:bg-slate-100"
        >
          Export CSV
        </a>
      </form>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Audit log</caption>
          <thead className="bg-slate-100 text-xs uppercase text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">
                User
              </th>
              <th scope="col" className="px-3 py-2">
                Account affected
              </th>
              <th scope="col" className="px-3 py-2">
                Action
              </th>
              <th scope="col" className="px-3 py-2">
                Time
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200">
            {rows.map((r) => (
              <tr key={r.id} data-action={r.action}>
                <td className="px-3 py-2 break-words">{r.actorLabel}</td>
                <td className="px-3 py-2 break-words">{r.accountLabel}</td>
                <td className="px-3 py-2">
                  <span>{actionLabel(r.action, r.detail)}</span>
                  <span className="block text-xs text-slate-600">{describeAudit(r.detail)}</span>
                </td>
                <td className="whitespace-nowrap px-3 py-2">{time(r.createdAt)}</td>
              </tr>
            ))}
            {rows.length === 0 ? (
              <tr>
                <td colSpan={4} className="px-3 py-6 text-center text-slate-600">
                  No entries match.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </div>
  );
}
