import Link from "next/link";
import { redirectIfSignedIn } from "@/lib/auth/guards";
import { SignupForm } from "./signup-form";

export const metadata = { title: "Create account" };

export default async function SignupPage() {
  await redirectIfSignedIn();
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold">Create your account</h1>
      <p className="mb-6 text-sm text-slate-600">
        Already have one?{" "}
        <Link href="/login" className="font-medium text-brand-600 underline">
          Sign in
        </Link>
      </p>
      <SignupForm />
      <p className="mt-6 border-t border-slate-200 pt-4 text-sm">
        <Link href="/register/phone" className="font-medium text-brand-600 underline">
          Register with a phone number instead
        </Link>
      </p>
    </>
  );
}
