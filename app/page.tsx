import Link from "next/link";

// The public home page. Static: it reads no session, so it is served from the build.
export default function HomePage() {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center px-6 py-16">
      <h1 className="text-4xl font-bold tracking-tight">Latchkey</h1>
      <p className="mt-4 text-lg text-slate-700">Sign in or create an account to continue.</p>
      <div className="mt-8 flex flex-wrap gap-3">
        <Link href="/login" className="rounded-md bg-brand-600 px-5 py-2.5 font-semibold text-white hover:bg-brand-700">
          Sign in
        </Link>
        <Link href="/signup" className="rounded-md border border-slate-300 bg-white px-5 py-2.5 font-semibold hover:bg-slate-100">
          Create account
        </Link>
      </div>
    </main>
  );
}
