import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-xl flex-col justify-center px-6">
      <h1 className="text-3xl font-bold">Page not found</h1>
      <p className="mt-3 text-slate-700">The page you asked for does not exist.</p>
      <p className="mt-6">
        <Link href="/" className="text-brand-600 underline">
          Go to the home page
        </Link>
      </p>
    </main>
  );
}
