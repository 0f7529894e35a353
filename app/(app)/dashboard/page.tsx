import Link from "next/link";
import { requireUser } from "@/lib/auth/guards";
import { formatDay } from "@/lib/shared/format";

export const metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const { user } = await requireUser();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold [overflow-wrap:anywhere]">Welcome, {user.name}</h1>
      <dl className="grid min-w-0 gap-4 rounded-xl border border-slate-200 bg-white p-6 sm:grid-cols-3">
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-600">Account status</dt>
          <dd className="mt-1 font-medium capitalize" data-testid="account-status">
            {user.status}
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-600">Email</dt>
          <dd className="mt-1 font-medium [overflow-wrap:anywhere]">
            {user.email ?? "—"} {user.email ? (user.emailVerifiedAt ? "(confirmed)" : "(not confirmed)") : null}
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-600">Member since</dt>
          <dd className="mt-1 font-medium">{formatDay(user.createdAt)}</dd>
        </div>
      </dl>
      <p className="text-sm">
        Manage your password and sessions on the{" "}
        <Link href="/account/security" className="text-brand-600 underline">
          security page
        </Link>
        .
      </p>
    </div>
  );
}
