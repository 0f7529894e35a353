"use client";
// A navigation link that marks itself as the current page (aria-current="page"). The path is known
// while the page is rendered on the server, so the mark is there before any JavaScript runs.
import Link from "next/link";
import { usePathname } from "next/navigation";

/** True when `pathname` is `href` or a page below it (`/admin/clients/new` is under `/admin/clients`). */
export function isCurrent(pathname: string, href: string, match: "exact" | "prefix" = "prefix") {
  if (match === "exact") return pathname === href;
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function NavLink({
  href,
  children,
  className,
  match = "prefix",
  also = [],
}: {
  href: string;
  children: React.ReactNode;
  className: string;
  match?: "exact" | "prefix";
  /** Other paths under which this link is the current one (the header's "Manager" for every /admin page). */
  also?: string[];
}) {
  const pathname = usePathname() ?? "";
  const current = [href, ...also].some((h) => isCurrent(pathname, h, match));
  return (
    <Link href={href} aria-current={current ? "page" : undefined} className={className}>
      {children}
    </Link>
  );
}
