"use client";

// Shown when a page fails unexpectedly: a plain message, never a stack trace.
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-xl flex-col justify-center px-6">
      <h1 className="text-3xl font-bold">Something went wrong</h1>
      <p className="mt-3 text-slate-700">We could not load this page. Please try again in a moment.</p>
      <button type="button" onClick={reset} className="mt-6 w-fit rounded-md bg-brand-600 px-4 py-2 font-semibold text-white">
        Try again
      </button>
    </main>
  );
}
