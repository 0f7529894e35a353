import Link from "next/link";
import { requireAdmin } from "@/lib/auth/guards";
import { SiteHeader } from "@/components/layout/site-header";

export const metadata = { title: { default: "Manager", template: "%s · Manager · Latchkey" } };

const nav = [
  { href: "/admin/accounts", label: "Accounts" },
  { href: "/admin/settings/account", label: "Account settings" },
  { href: "/admin/settings/permissions", label: "Pending permissions" },
  { href: "/admin/settings/sms", label: "SMS" },
  { href: "/admin/settings/regional", label: "Regional" },
  { href: "/admin/settings/two-factor", label: "Two-factor" },
  { href: "/admin/clients", label: "Apps (OpenID Connect)" },
  { href: "/admin/audit-log", label: "Audit log" },
  { href: "/admin/settings/audit-log", label: "Audit log settings" },
];

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requireAdmin();
  return (
    <>
      <SiteHeader user={user} area="admin" />
      <div className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6 md:flex-row">
        <nav aria-label="Manager" className="md:w-52 md:shrink-0">
          <ul className="flex flex-wrap gap-2 md:flex-col">
            {nav.map((n) => (
              <li key={n.href}>
                <Link href={n.href} className="block rounded-md px-3 py-2 text-sm font-medium hover:bg-slate-200">
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
    </>
  );
}
