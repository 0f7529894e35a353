import Link from "next/link";
import type { User } from "@/db/schema";
import { container } from "./container";
import { NavLink } from "./nav-link";
import { signOutAction } from "./sign-out";

const links = [
  { href: "/dashboard", label: "Dashboard" },
  { href: "/profiles", label: "Profiles" },
  { href: "/account/security", label: "Security" },
  { href: "/account/tokens", label: "API tokens" },
];

const inline =
  "rounded px-1 py-0.5 hover:underline aria-[current=page]:font-semibold aria-[current=page]:underline aria-[current=page]:decoration-2 aria-[current=page]:underline-offset-4";
const stacked = "block rounded-md px-3 py-2 hover:bg-slate-100 aria-[current=page]:bg-slate-100 aria-[current=page]:font-semibold";

function NavItems({ isAdmin, linkClass }: { isAdmin: boolean; linkClass: string }) {
  return (
    <>
      {links.map((l) => (
        <li key={l.href}>
          <NavLink href={l.href} className={linkClass}>
            {l.label}
          </NavLink>
        </li>
      ))}
      {isAdmin ? (
        <li>
          <NavLink href="/admin/accounts" also={["/admin"]} className={linkClass}>
            Manager
          </NavLink>
        </li>
      ) : null}
    </>
  );
}

function SignOut({ className }: { className: string }) {
  return (
    <form action={signOutAction}>
      <button type="submit" className={className}>
        Sign out
      </button>
    </form>
  );
}

/**
 * The header of every signed-in page. From 640 px up: the brand, the links and "Sign out" on one row.
 * Below: the brand and a "Menu" button on one row; the menu is a <details> element, so it opens
 * without JavaScript.
 */
export function SiteHeader({ user, area = "site" }: { user: Pick<User, "name" | "isAdmin">; area?: "site" | "admin" }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className={`${container} flex items-center justify-between gap-4 py-3`}>
        <Link href="/dashboard" className="shrink-0 text-lg font-bold tracking-tight">
          Latchkey{area === "admin" ? <span className="ml-2 rounded bg-slate-800 px-2 py-0.5 text-xs text-slate-50">Manager</span> : null}
        </Link>
        <nav aria-label="Main" className="hidden min-w-0 flex-1 sm:block">
          <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            <NavItems isAdmin={user.isAdmin} linkClass={inline} />
          </ul>
        </nav>
        <div className="hidden min-w-0 items-center gap-3 text-sm sm:flex">
          <span className="max-w-48 truncate text-slate-600" title={user.name}>
            {user.name}
          </span>
          <SignOut className="shrink-0 rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-100" />
        </div>
        <details className="group relative sm:hidden">
          <summary className="flex min-h-10 cursor-pointer list-none items-center gap-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 [&::-webkit-details-marker]:hidden">
            <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
              <path d="M3 5h14v2H3zM3 9h14v2H3zM3 13h14v2H3z" className="group-open:hidden" />
              <path
                d="M5.05 3.64 10 8.59l4.95-4.95 1.41 1.41L11.41 10l4.95 4.95-1.41 1.41L10 11.41l-4.95 4.95-1.41-1.41L8.59 10 3.64 5.05z"
                className="hidden group-open:block"
              />
            </svg>
            Menu
          </summary>
          <div className="absolute right-0 z-20 mt-2 w-64 max-w-[calc(100vw-2rem)] rounded-lg border border-slate-200 bg-white p-2 shadow-lg">
            <nav aria-label="Main">
              <ul className="text-sm">
                <NavItems isAdmin={user.isAdmin} linkClass={stacked} />
              </ul>
            </nav>
            <div className="mt-2 border-t border-slate-200 px-3 pb-1 pt-3 text-sm">
              <p className="break-words text-slate-600">Signed in as {user.name}</p>
              <SignOut className="mt-2 w-full rounded-md border border-slate-300 px-3 py-2 font-medium hover:bg-slate-100" />
            </div>
          </div>
        </details>
      </div>
    </header>
  );
}
