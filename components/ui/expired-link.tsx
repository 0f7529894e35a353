// What an emailed link that can no longer be used says: the problem as the heading, why, the next
// step (a form or a button), and the way to sign in instead.
import Link from "next/link";
import type { ReactNode } from "react";

export function ExpiredLink({ why, signInPrompt, children }: { why: ReactNode; signInPrompt: string; children: ReactNode }) {
  return (
    <>
      <h1 className="mb-2 text-2xl font-semibold">This link has expired or was already used</h1>
      <p className="mb-6 text-sm text-slate-700">{why}</p>
      {children}
      <p className="mt-6 text-sm text-slate-600">
        {signInPrompt}{" "}
        <Link href="/login" className="text-brand-600 underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
