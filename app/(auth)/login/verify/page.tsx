import Link from "next/link";
import { redirect } from "next/navigation";
import { currentSession } from "@/lib/auth/current";
import { countryOptions, formatPhone } from "@/lib/phone/parse";
import { getSettings } from "@/lib/settings";
import { currentChallenge, FAILURES_BEFORE_CONTACT } from "@/lib/factors/challenge";
import { loadPolicy, managerStepUpNeeded } from "@/lib/factors/policy";
import { methodsFor, type SecondFactor } from "@/lib/factors/methods";
import { CodeMethodForm, KeyEnrolPanel, RecoveryCodesStep, SecurityKeyPanel, TotpEnrolForm, TypedCodeForm } from "./verify-forms";
import { enrolledRecoveryCodes } from "@/lib/auth/sign-in";
import { CancelForm, StepUpForm } from "./step-up-form";
import { DeliveryNotice } from "@/components/ui/delivery-notice";
import { cooldownEnd } from "@/lib/codes/send";

export const metadata = { title: "Two-step verification" };

/** When the next code by this channel may be sent to the account's own address or confirmed phone. */
async function sendCooldown(method: "sms" | "email", user: { email: string | null; phone: string | null; phoneVerifiedAt: Date | null }) {
  const target = method === "email" ? user.email : user.phoneVerifiedAt ? user.phone : null;
  return target ? cooldownEnd("two_factor", target) : null;
}

const LABELS: Record<SecondFactor, string> = {
  sms: "Text message (SMS)",
  email: "Email",
  totp: "Authenticator app",
  webauthn: "Security key",
  recovery: "Recovery code",
};
const DURATION = { session: "this browser session", "1d": "1 day", "7d": "1 week", "30d": "30 days" } as const;

export default async function VerifyPage({ searchParams }: { searchParams: Promise<{ method?: string }> }) {
  const ctx = await currentChallenge();
  const policy = await loadPolicy();
  if (!ctx) {
    const session = await currentSession();
    if (!session) redirect("/login");
    if (!managerStepUpNeeded(session.user, policy, session.session.secondFactorAt)) redirect("/dashboard");
    return (
      <>
        <h1 className="mb-2 text-2xl font-semibold">Verify it&apos;s you</h1>
        <p className="mb-6 text-sm text-slate-700">The Manager app asks for a second factor. Continue to choose one.</p>
        <StepUpForm />
      </>
    );
  }
  const { user, challenge } = ctx;
  const codes = await enrolledRecoveryCodes(challenge);
  if (codes) {
    return (
      <>
        <h1 className="mb-1 text-2xl font-semibold">Two-step verification is set up</h1>
        <p className="mb-6 text-sm text-slate-700">Keep these codes somewhere safe, then continue to your account.</p>
        <RecoveryCodesStep codes={codes} />
      </>
    );
  }
  const methods = await methodsFor(user, policy);
  const enrolling = methods.available.length === 0 && methods.enrol.length > 0;
  const choices: SecondFactor[] = enrolling ? methods.enrol : methods.available;
  const requested = (await searchParams).method as SecondFactor | undefined;
  const method: SecondFactor =
    requested === "recovery" && methods.recoveryCodes > 0
      ? "recovery"
      : requested && choices.includes(requested)
        ? requested
        : enrolling
          ? methods.enrol[0]!
          : methods.primary;
  const others = ([...choices, ...(methods.recoveryCodes > 0 ? ["recovery" as const] : [])] as SecondFactor[]).filter((m) => m !== method);
  const { defaultCountry } = await getSettings("regional");
  const duration = DURATION[policy.trustedDeviceDuration];
  const showContact = challenge.failedAttempts >= FAILURES_BEFORE_CONTACT;
  const noMethod = choices.length === 0 && methods.recoveryCodes === 0;
  const asks = challenge.surface === "manager" ? "The Manager app asks" : "Your account asks";
  return (
    <>
      <h1 className="mb-1 text-2xl font-semibold">{enrolling ? "Set up two-step verification" : "Two-step verification"}</h1>
      {enrolling ? (
        <p className="mb-6 text-sm text-slate-700">
          {asks} for a second step each time you sign in. Set one up now: <strong>{LABELS[method]}</strong>.
        </p>
      ) : (
        <p className="mb-6 text-sm text-slate-700">
          {asks} for a second step: <strong>{LABELS[method]}</strong>.
        </p>
      )}
      {showContact || noMethod ? (
        <div role="alert" className="mb-6 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950">
          <p className="font-semibold">{noMethod ? "No second factor is available for this account." : "Having trouble signing in?"}</p>
          {policy.contactName || policy.contactEmail || policy.contactPhone ? (
            <p className="mt-1">
              Contact {policy.contactName || "your administrator"}
              {policy.contactEmail ? (
                <>
                  {" "}
                  at{" "}
                  <a href={`mailto:${policy.contactEmail}`} className="underline">
                    {policy.contactEmail}
                  </a>
                </>
              ) : null}
              {policy.contactPhone ? <> or call {policy.contactPhone}</> : null}.
            </p>
          ) : (
            <p className="mt-1">Contact your administrator.</p>
          )}
        </div>
      ) : null}
      {method === "sms" && !user.phoneVerifiedAt ? <DeliveryNotice channel="sms" /> : null}
      {noMethod ? null : method === "sms" || method === "email" ? (
        <CodeMethodForm
          key={method}
          method={method}
          target={method === "email" ? user.email : user.phoneVerifiedAt ? formatPhone(user.phone) : null}
          needsPhone={method === "sms" && !user.phoneVerifiedAt}
          countries={method === "sms" && !user.phoneVerifiedAt ? countryOptions() : []}
          defaultCountry={defaultCountry}
          emailFallback={!enrolling && methods.emailFallback}
          failedBefore={challenge.failedAttempts > 0}
          duration={duration}
          sendUntil={await sendCooldown(method, user)}
        />
      ) : method === "webauthn" ? (
        enrolling ? (
          <KeyEnrolPanel duration={duration} />
        ) : (
          <SecurityKeyPanel duration={duration} />
        )
      ) : method === "totp" && enrolling ? (
        <TotpEnrolForm duration={duration} />
      ) : (
        <TypedCodeForm key={method} method={method} duration={duration} />
      )}
      {others.length ? (
        <nav aria-label="Other methods" className="mt-8 border-t border-slate-200 pt-4">
          <h2 className="text-sm font-semibold">{enrolling ? "Set up another method instead" : "Use another method"}</h2>
          <ul className="mt-2 space-y-1 text-sm">
            {others.map((m) => (
              <li key={m}>
                <Link href={`/login/verify?method=${m}`} className="text-brand-600 underline">
                  {LABELS[m]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <div className="mt-6">
        <CancelForm />
      </div>
    </>
  );
}
