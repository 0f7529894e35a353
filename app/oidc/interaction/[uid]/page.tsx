// The provider's interaction step in Latchkey's look: sign-in through Latchkey's own pages,
// "continue as", the app's request for a fresh sign-in or for two-step verification, and consent.
import Link from "next/link";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AccountBanners } from "@/components/layout/account-banners";
import { currentSession } from "@/lib/auth/current";
import { SCOPE_LABELS } from "@/lib/oidc/clients";
import { interactionStep, type Step } from "@/lib/oidc/interaction";
import { AutoSubmit, ReloadOnce } from "./auto-submit";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in with Latchkey", referrer: "same-origin" };

const button = "inline-flex min-h-10 items-center justify-center rounded-md px-4 py-2 text-sm font-semibold shadow-sm";
const primary = `${button} bg-brand-600 text-white hover:bg-brand-700`;
const secondary = `${button} border border-slate-300 bg-white text-slate-800 hover:bg-slate-100`;

function Post({
  uid,
  to,
  label,
  tone = "primary",
  auto = false,
  fields = {},
}: {
  uid: string;
  to: string;
  label: string;
  tone?: "primary" | "secondary";
  auto?: boolean;
  fields?: Record<string, string>;
}) {
  return (
    <form method="post" action={`/oidc/interaction/${encodeURIComponent(uid)}/${to}`}>
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button type="submit" className={tone === "primary" ? primary : secondary}>
        {label}
      </button>
      {auto ? <AutoSubmit /> : null}
    </form>
  );
}

function Cancel({ uid, label = "Cancel" }: { uid: string; label?: string }) {
  return <Post uid={uid} to="cancel" label={label} tone="secondary" />;
}

function Body({ step, uid, who }: { step: Step; uid: string; who: string }) {
  switch (step.kind) {
    case "reload":
      return (
        <>
          <h1 className="mb-2 text-2xl font-semibold">Continuing…</h1>
          <p className="mb-6 text-sm text-slate-700">One moment while you are taken back to the app.</p>
          <a href={`/oidc/interaction/${encodeURIComponent(uid)}?again=1`} className={primary}>
            Continue
          </a>
          <ReloadOnce href={`/oidc/interaction/${encodeURIComponent(uid)}?again=1`} />
        </>
      );
    case "expired":
    case "sign_in":
      return (
        <>
          <h1 className="mb-2 text-2xl font-semibold">This sign-in request has expired</h1>
          <p className="text-sm text-slate-700">It was already finished, or it waited too long. Go back to the app and start again.</p>
        </>
      );
    case "reauth":
      return (
        <>
          <h1 className="mb-2 text-2xl font-semibold">Sign in again</h1>
          <p className="mb-6 text-sm text-slate-700">
            <strong>{step.app.name}</strong> asks you to sign in again before it lets you continue. You are signed in as {who}.
          </p>
          <div className="flex flex-wrap gap-3">
            <Post uid={uid} to="reauth" label="Sign in again" />
            <Cancel uid={uid} />
          </div>
        </>
      );
    case "step_up":
      return (
        <>
          <h1 className="mb-2 text-2xl font-semibold">Two-step verification needed</h1>
          <p className="mb-6 text-sm text-slate-700">
            <strong>{step.app.name}</strong> asks for two-step verification.{" "}
            {step.bySecondStep
              ? "Continue to confirm it's you with your second step."
              : "You signed in with the same kind of code as your second step, so it cannot count twice: sign in again with your password, then your second step."}
          </p>
          <div className="flex flex-wrap gap-3">
            {step.bySecondStep ? <Post uid={uid} to="step-up" label="Continue" /> : <Post uid={uid} to="reauth" label="Sign in again" />}
            <Cancel uid={uid} />
          </div>
        </>
      );
    case "pending":
      return (
        <>
          <h1 className="mb-2 text-2xl font-semibold">Your account awaits activation</h1>
          <p className="mb-6 text-sm text-slate-700">
            Until an administrator activates your account, you cannot sign in to <strong>{step.app.name}</strong> with Latchkey.
          </p>
          <Cancel uid={uid} label={`Back to ${step.app.name}`} />
        </>
      );
    case "first_profile":
      return (
        <>
          <h1 className="mb-2 text-2xl font-semibold">Create your first profile</h1>
          <p className="mb-6 text-sm text-slate-700">
            Before you sign in to <strong>{step.app.name}</strong>, create the profile others will see. Then go back to the app and sign in again.
          </p>
          <div className="flex flex-wrap items-center gap-3">
            <Link href="/first-profile" className={primary}>
              Create your profile
            </Link>
            <Cancel uid={uid} />
          </div>
        </>
      );
    case "other_account":
      return (
        <>
          <h1 className="mb-2 text-2xl font-semibold">You signed in as someone else</h1>
          <p className="mb-6 text-sm text-slate-700">
            The account signed in to Latchkey changed during this sign-in. Sign in again to continue to {step.app.name}.
          </p>
          <div className="flex flex-wrap gap-3">
            <Post uid={uid} to="reauth" label="Sign in again" />
            <Cancel uid={uid} />
          </div>
        </>
      );
    case "continue":
      return (
        <>
          <h1 className="mb-2 text-2xl font-semibold">Continue to {step.app.name}</h1>
          <p className="mb-6 text-sm text-slate-700">You are signed in to Latchkey as {who}.</p>
          <div className="flex flex-wrap gap-3">
            <Post uid={uid} to="login" label={`Continue to ${step.app.name}`} auto />
            <Post uid={uid} to="reauth" label="Use another account" tone="secondary" />
          </div>
        </>
      );
    case "consent":
      return (
        <>
          <h1 className="mb-2 text-2xl font-semibold">{step.auto ? `Continue to ${step.app.name}` : `${step.app.name} wants to use your Latchkey account`}</h1>
          <p className="mb-4 text-sm text-slate-700">Signed in as {who}.</p>
          {step.auto ? null : (
            <>
              <h2 className="mb-2 text-sm font-semibold">It asks for:</h2>
              <ul aria-label="What the app asks for" className="mb-6 list-disc space-y-1 pl-5 text-sm text-slate-800">
                {step.scopes.map((s) => (
                  <li key={s}>{SCOPE_LABELS[s]}</li>
                ))}
              </ul>
              <p className="mb-6 text-xs text-slate-600">You can remove this app at any time under Connected apps on your security page.</p>
            </>
          )}
          <div className="flex flex-wrap gap-3">
            <Post uid={uid} to="consent" label={step.auto ? `Continue to ${step.app.name}` : "Allow"} fields={{ decision: "allow" }} auto={step.auto} />
            {step.auto ? null : <Post uid={uid} to="consent" label="Deny" tone="secondary" fields={{ decision: "deny" }} />}
          </div>
        </>
      );
  }
}

export default async function InteractionPage({ params, searchParams }: { params: Promise<{ uid: string }>; searchParams: Promise<{ again?: string }> }) {
  const { uid } = await params;
  const current = await currentSession();
  let step = await interactionStep(await headers(), uid, current);
  // Loaded once more already: the browser really has no interaction cookie.
  if (step.kind === "reload" && (await searchParams).again) step = { kind: "expired" };
  if (step.kind === "sign_in") redirect(step.href);
  const who = current ? `${current.user.name}${current.user.email ? ` (${current.user.email})` : current.user.phone ? ` (${current.user.phone})` : ""}` : "";
  return (
    <>
      {current && step.kind !== "expired" && step.kind !== "reload" ? <AccountBanners user={current.user} /> : null}
      <div className="flex flex-col items-center px-4 py-10 sm:py-16">
        <Link href="/" className="mb-8 text-xl font-bold tracking-tight text-slate-900">
          Latchkey
        </Link>
        <main id="main" className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
          <Body step={step} uid={uid} who={who} />
        </main>
      </div>
    </>
  );
}
