import Link from "next/link";
import { requireAdmin } from "@/lib/auth/guards";
import { getSettings } from "@/lib/settings";
import { accountsWithoutPhone } from "@/lib/factors/report";
import { enrolmentOf } from "@/lib/factors/enrol";
import { Notice } from "@/components/ui/form-message";
import { AuditTable } from "@/components/admin/audit-table";
import { DefaultsForm, GeneralForm } from "./two-factor-forms";

export const metadata = { title: "Two-factor settings" };

const TABS = [
  { id: "general", label: "General settings" },
  { id: "defaults", label: "Default settings" },
  { id: "audit", label: "Audit log" },
] as const;

export default async function TwoFactorSettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { user } = await requireAdmin();
  const params = await searchParams;
  const tab = TABS.find((t) => t.id === params.tab)?.id ?? "general";
  const settings = await getSettings("twoFactor");
  const ownMethods = Object.values(await enrolmentOf(user)).some(Boolean);
  const missing = settings.allowedMethods.includes("sms") ? await accountsWithoutPhone(50) : null;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Settings › Two-factor authentication</h1>
      <nav aria-label="Two-factor settings" className="flex flex-wrap gap-2 border-b border-slate-200">
        {TABS.map((t) => (
          <Link
            key={t.id}
            href={`/admin/settings/two-factor?tab=${t.id}`}
            aria-current={t.id === tab ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${t.id === tab ? "border-brand-600 text-brand-700" : "border-transparent text-slate-700 hover:text-slate-900"}`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === "general" ? (
        <>
          {missing ? (
            <section aria-labelledby="missing-h" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
              <h2 id="missing-h" className="font-semibold">
                {missing.count === 1 ? "1 user has no phone number" : `${missing.count} users have no phone number`}
              </h2>
              {missing.count ? (
                <ul className="mt-2 list-inside list-disc" aria-label="Users without a phone number">
                  {missing.rows.map((u) => (
                    <li key={u.id}>
                      {u.name} {u.email ? `(${u.email})` : ""}
                    </li>
                  ))}
                  {missing.count > missing.rows.length ? <li>… and {missing.count - missing.rows.length} more</li> : null}
                </ul>
              ) : null}
              <p className="mt-2">SMS is an allowed method: these users are asked for a phone number at their next two-step sign-in.</p>
            </section>
          ) : null}
          {ownMethods ? null : (
            <Notice tone="warning">
              You have no two-step method yet. Once two-step verification applies to your account (everyone, or your own switches),
              the Manager app asks you to set one up before you continue — set one up on your security page first.
            </Notice>
          )}
          <GeneralForm settings={settings} />
        </>
      ) : tab === "defaults" ? (
        <DefaultsForm settings={settings} />
      ) : (
        <AuditTable params={params} basePath="/admin/settings/two-factor" />
      )}
    </div>
  );
}
