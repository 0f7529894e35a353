"use client";
import Link from "next/link";
import { BrandCard, primaryLink, secondaryLink } from "@/components/layout/brand-card";

// Shown when a page fails unexpectedly: a plain message, never a stack trace.
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <BrandCard>
      <title>Something went wrong · Latchkey</title>
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-3 text-sm text-slate-700">We could not load this page. Please try again in a moment.</p>
      <div className="mt-6 flex flex-wrap gap-3">
        <button type="button" onClick={reset} className={primaryLink}>
          Try again
        </button>
        <Link href="/" className={secondaryLink}>
          Home
        </Link>
        <Link href="/login" className={secondaryLink}>
          Sign in
        </Link>
      </div>
    </BrandCard>
  );
}
