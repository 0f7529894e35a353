// The frame of the sign-in pages, for the pages outside them too (home, page not found, error): the
// brand above one card.
import Link from "next/link";

export function BrandCard({ children, brand = "Latchkey" }: { children: React.ReactNode; brand?: string }) {
  return (
    <div className="flex min-h-screen flex-col items-center px-4 py-10 sm:py-16">
      <Link href="/" className="mb-8 text-xl font-bold tracking-tight text-slate-900">
        {brand}
      </Link>
      <main id="main" className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
        {children}
      </main>
    </div>
  );
}

export const primaryLink =
  "inline-flex min-h-10 items-center justify-center rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700";
export const secondaryLink =
  "inline-flex min-h-10 items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 shadow-sm hover:bg-slate-100";
