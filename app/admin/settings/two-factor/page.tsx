import Link from "next/link";
import { requireAdmin } from "@/lib/auth/guards";
import { getSettings } from "@/lib/settings";
import { countAccountsWithoutPhone } from "@/lib/factors/report";
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
  const missing = settings.allowedMethods.includes("sms") ? await countAccountsWithoutPhone() : null;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Two-factor authentication</h1>
      <nav aria-label="Two-factor settings" className="flex flex-wrap gap-2 border-b border-slate-200">
        {TABS.map((t) => (
          <Link
            key={t.id}
            href={`/admin/settings/two-factor?tab=${t.id}`}
            aria-current={t.id === tab ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${t.id === tab ? "border-brand-600 font-semibold text-slate-900" : "border-transparent text-slate-700 hover:text-slate-900"}`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === "general" ? (
        <>
          {missing ? (
            <Notice tone="warning">
              <strong>{missing === 1 ? "1 account has" : `${missing} accounts have`} no confirmed phone number.</strong> SMS is an allowed method: they are
              asked for a number at their next two-step sign-in.{" "}
              <Link href="/admin/accounts?phone=missing" className="font-semibold underline">
                See {missing === 1 ? "this account" : "these accounts"}
              </Link>
            </Notice>
          ) : null}
          {ownMethods ? null : settings.enable2fa ? (
            <Notice tone="warning">
              You have no two-step method yet. Once two-step verification applies to your account (everyone, or your own switches), the Manager app asks you to
              set one up before you continue —{" "}
              <Link href="/account/security" className="font-semibold underline">
                set one up on your security page
              </Link>{" "}
              first.
            </Notice>
          ) : (
            <Notice>
              You have no two-step method yet. Once <em>Enable 2FA</em> is on, your security page offers the methods; if two-step verification then applies to
              your account, the Manager app asks you to set one up before you continue.
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
