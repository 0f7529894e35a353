import { z } from "zod";
import { searchText } from "@/lib/shared/text-input";
import { requireAdmin } from "@/lib/auth/guards";
import { listAccounts } from "@/lib/accounts/admin";
import { getSettings } from "@/lib/settings";
import { AccountRowActions } from "./account-row-actions";
import { CreateAccountForm } from "./create-account-form";
import { countryOptions } from "@/lib/phone/parse";
import { loadPolicy } from "@/lib/factors/policy";
import { blockingDateReached, dayOf, formatDay } from "@/lib/blocking";

export const metadata = { title: "Accounts" };

const filterSchema = z.object({
  q: searchText(100),
  status: z.enum(["active", "pending", "blocked"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});

const fmt = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

export default async function AccountsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { user: me } = await requireAdmin();
  const params = await searchParams;
  const parsed = filterSchema.safeParse(params);
  // A search that cannot be run shows its message beside the box and lists nothing.
  const qError = parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === "q")?.message;
  const filter = parsed.success ? parsed.data : filterSchema.parse({ ...params, q: undefined });
  const [{ rows, hasMore, page }, { onlineTimeframeMinutes }, regional, policy] = await Promise.all([
    qError ? { rows: [], hasMore: false, page: 1 } : listAccounts({ q: filter.q, status: filter.status, page: filter.page }),
    getSettings("account"),
    getSettings("regional"),
    loadPolicy(),
  ]);
  // A request-time page: "now" is read once per request, on the server.
  const now = new Date();
  const onlineSince = now.getTime() - onlineTimeframeMinutes * 60_000;
  const today = dayOf(now);
  const qs = (p: number) => `?${new URLSearchParams({ ...(filter.q ? { q: filter.q } : {}), ...(filter.status ? { status: filter.status } : {}), page: String(p) })}`;
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Accounts</h1>
      <form method="get" className="flex flex-wrap items-end gap-3" role="search">
        <div>
          <label htmlFor="q" className="block text-sm font-medium">
            Search
          </label>
          <input
            id="q"
            name="q"
            defaultValue={filter.q}
            placeholder="Name, email or phone"
            aria-invalid={qError ? true : undefined}
            aria-describedby={qError ? "q-error" : undefined}
            className="rounded-md border border-slate-300 px-3 py-2"
          />
          {qError ? (
            <p id="q-error" className="text-sm text-red-700">
              {qError}
            </p>
          ) : null}
        </div>
        <div>
          <label htmlFor="status" className="block text-sm font-medium">
            Status
          </label>
          <select id="status" name="status" defaultValue={filter.status ?? ""} className="rounded-md border border-slate-300 px-3 py-2">
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="pending">Pending</option>
            <option value="blocked">Blocked</option>
          </select>
        </div>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white">
          Search
        </button>
      </form>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Accounts</caption>
          <thead className="bg-slate-100 text-xs uppercase text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">Account</th>
              <th scope="col" className="px-3 py-2">Status</th>
              <th scope="col" className="px-3 py-2">Confirmed</th>
              <th scope="col" className="px-3 py-2">Last activity</th>
              <th scope="col" className="px-3 py-2">Actions</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200">
            {rows.map((u) => {
              const online = u.lastActiveAt && u.lastActiveAt.getTime() >= onlineSince;
              return (
                <tr key={u.id} data-email={u.email ?? ""} className="align-top">
                  <td className="px-3 py-3">
                    <p className="font-medium">
                      {u.name} {u.isAdmin ? <span className="ml-1 rounded bg-slate-900 px-1.5 py-0.5 text-xs text-white">admin</span> : null}
                    </p>
                    <p className="text-slate-600">{u.email ?? "no email"}</p>
                    {u.phone ? <p className="text-slate-600">{u.phone}</p> : null}
                  </td>
                  <td className="px-3 py-3">
                    <p className="capitalize" data-testid="status">
                      {u.status}
                    </p>
                    {u.blockOn ? (
                      <p className="text-xs text-slate-700" data-testid="blocking-date">
                        {blockingDateReached(u) ? "Blocked since" : "Blocks on"} {formatDay(u.blockOn)}
                      </p>
                    ) : null}
                  </td>
                  <td className="px-3 py-3 text-xs">
                    <p>Email: {u.emailVerifiedAt ? "yes" : "no"}</p>
                    <p>Phone: {u.phoneVerifiedAt ? "yes" : "no"}</p>
                  </td>
                  <td className="px-3 py-3 text-xs">
                    {online ? (
                      <span className="mb-1 inline-flex items-center gap-1 rounded bg-green-100 px-1.5 py-0.5 font-medium text-green-900">
                        <span aria-hidden="true">●</span> online
                      </span>
                    ) : null}
                    <p>{u.lastActiveAt ? fmt(u.lastActiveAt) : "never"}</p>
                  </td>
                  <td className="px-3 py-3">
                    <AccountRowActions
                      userId={u.id}
                      email={u.email ?? u.name}
                      status={u.status}
                      canChangePassword={u.canChangePassword}
                      canReceiveSms={u.canReceiveSms}
                      twoFactorWeb={u.twoFactorWeb}
                      twoFactorManager={u.twoFactorManager}
                      isAdmin={u.isAdmin}
                      isSelf={u.id === me.id}
                      blockOn={u.blockOn}
                      today={today}
                    />
                  </td>
                </tr>
              );
            })}
            {rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-3 py-6 text-center text-slate-600">
                  No accounts match.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="flex gap-3 text-sm">
        {page > 1 ? <a href={qs(page - 1)} className="text-brand-600 underline">Previous page</a> : null}
        {hasMore ? <a href={qs(page + 1)} className="text-brand-600 underline">Next page</a> : null}
      </nav>
      <section aria-labelledby="create-h" className="space-y-4 rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="create-h" className="text-lg font-semibold">
          Create an account
        </h2>
        <CreateAccountForm countries={countryOptions()} defaultCountry={regional.defaultCountry} phoneRequired={policy.enabled && policy.allowedMethods.includes("sms")} />
      </section>
    </div>
  );
}
