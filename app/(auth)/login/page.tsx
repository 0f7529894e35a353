import Link from "next/link";
import { redirectIfSignedIn } from "@/lib/auth/guards";
import { safeNext } from "@/lib/action";
import { Notice } from "@/components/ui/form-message";
import { LoginForm } from "./login-form";
import { SecurityKeyButton } from "./security-key-button";
import { appNameForReturnPath } from "@/lib/oidc/interaction";

export const metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; confirmed?: string; reset?: string; expired?: string }> }) {
  await redirectIfSignedIn();
  const sp = await searchParams;
  const next = sp.next ? safeNext(sp.next) : undefined;
  // Signing in for another app (OpenID Connect): say which.
  const app = next ? await appNameForReturnPath(next) : null;
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold">Sign in</h1>
      <p className="mb-6 text-sm text-slate-600">
        New here?{" "}
        <Link href="/signup" className="font-medium text-brand-600 underline">
          Create an account
        </Link>
      </p>
      {app ? (
        <div className="mb-4">
          <Notice>Sign in to continue to {app}.</Notice>
        </div>
      ) : null}
      {sp.confirmed ? (
        <div className="mb-4">
          <Notice>Email confirmed — sign in.</Notice>
        </div>
      ) : null}
      {sp.expired ? (
        <div className="mb-4">
          <Notice>This sign-in was already finished or has expired. Sign in again.</Notice>
        </div>
      ) : null}
      {sp.reset ? (
        <div className="mb-4">
          <Notice>Your password was changed. Sign in with the new one.</Notice>
        </div>
      ) : null}
      <LoginForm next={next} />
      <div className="my-6 flex items-center gap-3 text-sm text-slate-600" role="separator" aria-label="or">
        <span className="h-px flex-1 bg-slate-200" />
        <span aria-hidden="true">or</span>
        <span className="h-px flex-1 bg-slate-200" />
      </div>
      <div className="space-y-3">
        <SecurityKeyButton next={next} />
        <Link
          href={next ? `/login/phone?next=${encodeURIComponent(next)}` : "/login/phone"}
          className="flex min-h-10 w-full items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-100"
        >
          Sign in with a phone code
        </Link>
      </div>
    </>
  );
}
