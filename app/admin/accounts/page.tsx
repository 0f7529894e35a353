import Link from "next/link";
import { z } from "zod";
import { searchText } from "@/lib/shared/text-input";
import { requireAdmin } from "@/lib/auth/guards";
import { listAccounts } from "@/lib/accounts/admin";
import { getSettings } from "@/lib/settings";
import { AccountCard } from "./account-card";
import { AccountSearch } from "./account-search";
import { CreateAccountForm } from "./create-account-form";
import { countryOptions } from "@/lib/phone/parse";
import { loadPolicy } from "@/lib/factors/policy";
import { dayOf } from "@/lib/blocking";
import { Badge } from "@/components/ui/badge";

export const metadata = { title: "Accounts" };

const filterSchema = z.object({
  q: searchText(100),
  status: z.enum(["active", "pending", "blocked"]).optional().catch(undefined),
  phone: z.enum(["missing"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});

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
      <AccountSearch q={filter.q} status={filter.status} phone={filter.phone} error={qError} />
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
            return <AccountCard key={u.id} account={u} online={online} isSelf={u.id === me.id} today={today} />;
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
