import Link from "next/link";
import type { User } from "@/db/schema";
import { signOutAction } from "./sign-out";

export function SiteHeader({ user, area = "site" }: { user: Pick<User, "name" | "isAdmin">; area?: "site" | "admin" }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/dashboard" className="text-lg font-bold tracking-tight">
          Latchkey{area === "admin" ? <span className="ml-2 rounded bg-slate-900 px-2 py-0.5 text-xs text-white">Manager</span> : null}
        </Link>
        <nav aria-label="Main" className="flex flex-1 flex-wrap gap-4 text-sm">
          <Link href="/dashboard" className="hover:underline">
            Dashboard
          </Link>
          <Link href="/profiles" className="hover:underline">
            Profiles
          </Link>
          <Link href="/account/security" className="hover:underline">
            Security
          </Link>
          <Link href="/account/tokens" className="hover:underline">
            API tokens
          </Link>
          {user.isAdmin ? (
            <Link href="/admin/accounts" className="hover:underline">
              Manager
            </Link>
          ) : null}
        </nav>
        <div className="flex items-center gap-3 text-sm">
          <span className="text-slate-600">{user.name}</span>
          <form action={signOutAction}>
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-100">
              Sign out
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
