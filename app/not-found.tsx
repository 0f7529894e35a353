import Link from "next/link";
import type { Metadata } from "next";
import { BrandCard, primaryLink, secondaryLink } from "@/components/layout/brand-card";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <BrandCard>
      <p className="text-sm font-semibold text-slate-600">Error 404</p>
      <h1 className="mt-1 text-2xl font-semibold">Page not found</h1>
      <p className="mt-3 text-sm text-slate-700">There is no page at this address. It may have moved, or the link may be mistyped.</p>
      <div className="mt-6 flex flex-wrap gap-3">
        <Link href="/login" className={primaryLink}>
          Sign in
        </Link>
        <Link href="/" className={secondaryLink}>
          Home
        </Link>
      </div>
    </BrandCard>
  );
}
