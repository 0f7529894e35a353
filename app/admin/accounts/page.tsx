import Link from "next/link";
import { z } from "zod";
import { searchText } from "@/lib/shared/text-input";
import { requireAdmin } from "@/lib/auth/guards";
import { listAccounts } from "@/lib/accounts/admin";
import { getSettings } from "@/lib/settings";
import { ManagePanel } from "./manage-panel";
import { CreateAccountForm } from "./create-account-form";
import { countryOptions } from "@/lib/phone/parse";
import { loadPolicy } from "@/lib/factors/policy";
import { blockingDateReached, dayOf, formatDay } from "@/lib/blocking";
import { formatDateTime } from "@/lib/shared/format";
import { Badge, Check } from "@/components/ui/badge";

export const metadata = { title: "Accounts" };

const filterSchema = z.object({
  q: searchText(100),
  status: z.enum(["active", "pending", "blocked"]).optional().catch(undefined),
  phone: z.enum(["missing"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});

const STATUS_LABEL = { active: "Active", pending: "Pending", blocked: "Blocked" } as const;
const STATUS_TONE = { active: "green", pending: "amber", blocked: "red" } as const;

export default async function AccountsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { user: me } = await requireAdmin();
  const params = await searchParams;
  const parsed = filterSchema.safeParse(params);
  // A search that cannot be run shows its message beside the box and lists nothing.
  const qError = parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === "q")?.message;
  const filter = parsed.success ? parsed.data : filterSchema.parse({ ...params, q: undefined });
  const [{ rows, hasMore, page }, { onlineTimeframeMinutes }, regional, policy] = await Promise.all([
    qError ? { rows: [], hasMore: false, page: 1 } : listAccounts({ q: filter.q, status: filter.status, phone: filter.phone, page: filter.page }),
    getSettings("account"),
    getSettings("regional"),
    loadPolicy(),
  ]);
  // A request-time page: "now" is read once per request, on the server.
  const now = new Date();
  const onlineSince = now.getTime() - onlineTimeframeMinutes * 60_000;
  const today = dayOf(now);
  const qs = (p: number) =>
    `?${new URLSearchParams({ ...(filter.q ? { q: filter.q } : {}), ...(filter.status ? { status: filter.status } : {}), ...(filter.phone ? { phone: filter.phone } : {}), page: String(p) })}`;
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Accounts</h1>
      <form method="get" className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-end" role="search">
        <div className="min-w-0">
          <label htmlFor="q" className="block text-sm font-medium">
            Search
          </label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={filter.q}
            placeholder="Name, email or phone"
            aria-invalid={qError ? true : undefined}
            aria-describedby={qError ? "q-error" : undefined}
            className="mt-1 block h-10 w-full rounded-md border border-slate-300 bg-white px-3"
          />
        </div>
        <div>
          <label htmlFor="status" className="block text-sm font-medium">
            Status
          </label>
          <select
            id="status"
            name="status"
            defaultValue={filter.status ?? ""}
            className="mt-1 block h-10 w-full rounded-md border border-slate-300 bg-white px-3"
          >
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="pending">Pending</option>
            <option value="blocked">Blocked</option>
          </select>
        </div>
        {filter.phone ? <input type="hidden" name="phone" value={filter.phone} /> : null}
        <button type="submit" className="h-10 rounded-md bg-brand-600 px-5 text-sm font-semibold text-white hover:bg-brand-700">
          Search
        </button>
        {qError ? (
          <p id="q-error" className="text-sm text-red-700 sm:col-span-3">
            {qError}
          </p>
        ) : null}
      </form>
      {filter.phone === "missing" ? (
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <Badge tone="amber">No confirmed phone</Badge> Showing accounts without a confirmed phone number, blocked ones left out.
          <Link
            href={`/admin/accounts?${new URLSearchParams({ ...(filter.q ? { q: filter.q } : {}), ...(filter.status ? { status: filter.status } : {}) })}`}
            className="text-brand-600 underline"
          >
            Show all accounts
          </Link>
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-slate-600">No accounts match.</p>
      ) : (
        <ul aria-label="Accounts" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {rows.map((u) => {
            const online = Boolean(u.lastActiveAt && u.lastActiveAt.getTime() >= onlineSince);
            return (
              <li key={u.id} data-email={u.email ?? ""} className="relative p-4 md:pr-36">
                <div className="grid gap-3 md:grid-cols-[minmax(0,5fr)_minmax(0,4fr)_minmax(0,3fr)]">
                  <div className="min-w-0">
                    <p className="flex flex-wrap items-center gap-2 font-medium">
                      <span className="min-w-0 [overflow-wrap:anywhere]">{u.name}</span>
                      {u.isAdmin ? <Badge tone="blue">admin</Badge> : null}
                    </p>
                    <p className="text-sm text-slate-600 [overflow-wrap:anywhere]">{u.email ?? "no email"}</p>
                    {u.phone ? <p className="text-sm text-slate-600">{u.phone}</p> : null}
                  </div>
                  <div className="min-w-0 space-y-1">
                    <p className="flex flex-wrap gap-1.5">
                      <Badge tone={STATUS_TONE[u.status]} testId="status">
                        {STATUS_LABEL[u.status]}
                      </Badge>
                      {u.email ? u.emailVerifiedAt ? <Check label="Email" /> : <Badge>Email not confirmed</Badge> : null}
                      {u.phone ? u.phoneVerifiedAt ? <Check label="Phone" /> : <Badge>Phone not confirmed</Badge> : null}
                    </p>
                    {u.blockOn ? (
                      <p className="text-xs text-slate-700" data-testid="blocking-date">
                        {blockingDateReached(u) ? "Blocked since" : "Blocks on"} {formatDay(u.blockOn)}
                      </p>
                    ) : null}
                  </div>
                  <div className="min-w-0 text-xs text-slate-700">
                    <p className="font-medium text-slate-600">Last activity</p>
                    <p className="flex flex-wrap items-center gap-1.5">
                      {online ? (
                        <Badge tone="green">
                          <span aria-hidden="true">●</span> online
                        </Badge>
                      ) : null}
                      {u.lastActiveAt ? <time dateTime={u.lastActiveAt.toISOString()}>{formatDateTime(u.lastActiveAt)}</time> : "never"}
                    </p>
                  </div>
                </div>
                <ManagePanel
                  userId={u.id}
                  name={u.name}
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
              </li>
            );
          })}
        </ul>
      )}
      <nav aria-label="Pages" className="flex gap-3 text-sm">
        {page > 1 ? (
          <a href={qs(page - 1)} className="text-brand-600 underline">
            Previous page
          </a>
        ) : null}
        {hasMore ? (
          <a href={qs(page + 1)} className="text-brand-600 underline">
            Next page
          </a>
        ) : null}
      </nav>
      <section aria-labelledby="create-h" className="space-y-4 rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="create-h" className="text-lg font-semibold">
          Create an account
        </h2>
        <CreateAccountForm
          countries={countryOptions()}
          defaultCountry={regional.defaultCountry}
          phoneRequired={policy.enabled && policy.allowedMethods.includes("sms")}
        />
      </section>
    </div>
  );
}
