import { requireAdmin } from "@/lib/auth/guards";
import { SiteHeader } from "@/components/layout/site-header";
import { container } from "@/components/layout/container";
import { NavLink } from "@/components/layout/nav-link";

export const metadata = { title: { default: "Manager", template: "%s · Manager · Latchkey" } };

const nav: Array<{ href: string; label: string; match?: "exact" | "prefix" }> = [
  { href: "/admin", label: "Overview", match: "exact" },
  { href: "/admin/accounts", label: "Accounts" },
  { href: "/admin/settings/account", label: "Account settings" },
  { href: "/admin/settings/permissions", label: "Pending permissions" },
  { href: "/admin/settings/sms", label: "SMS and regional" },
  { href: "/admin/settings/two-factor", label: "Two-factor authentication" },
  { href: "/admin/clients", label: "Apps" },
  { href: "/admin/audit-log", label: "Audit log" },
  { href: "/admin/settings/audit-log", label: "Audit log settings" },
];

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requireAdmin();
  return (
    <>
      <SiteHeader user={user} area="admin" />
      <div className={`${container} flex flex-col gap-6 py-6 md:flex-row`}>
        <nav aria-label="Manager" className="md:w-52 md:shrink-0">
          <ul className="flex flex-wrap gap-1 md:flex-col">
            {nav.map((n) => (
              <li key={n.href}>
                <NavLink
                  href={n.href}
                  match={n.match}
                  className="block rounded-md px-3 py-2 text-sm font-medium hover:bg-slate-200 aria-[current=page]:bg-slate-200 aria-[current=page]:font-semibold aria-[current=page]:text-slate-950"
                >
                  {n.label}
                </NavLink>
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
