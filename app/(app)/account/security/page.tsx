// The security page: one summary row per thing a person can change (security-rows.tsx), each
// opening its form in place; ?open= names the rows that start open.
import { requireUser } from "@/lib/auth/guards";
import { listSessions } from "@/lib/auth/sessions";
import { stepUpNeeded } from "@/lib/auth/step-up";
import { emailChangeFlow } from "@/lib/accounts/email-change";
import { enrolmentOf } from "@/lib/factors/enrol";
import { loadPolicy } from "@/lib/factors/policy";
import { remainingRecoveryCodes } from "@/lib/factors/recovery-codes";
import { listTrustedDevices } from "@/lib/factors/trusted-devices";
import { listCredentials } from "@/lib/factors/webauthn";
import { phoneConfirmFlow } from "@/lib/phone/confirm";
import { getSettings } from "@/lib/settings";
import { AccountRows, ReauthNotice, SessionRows, TwoStepRows } from "./security-rows";

export const metadata = { title: "Security" };

/** The rows ?open= may name (a link from elsewhere, or a form that must be open after a reload). */
const ROWS = [
  "email",
  "password",
  "phone",
  "two-step",
  "methods",
  "authenticator",
  "email-codes",
  "sms",
  "keys",
  "recovery",
  "devices",
  "sessions",
  "apps",
  "blocking",
] as const;

export default async function SecurityPage({ searchParams }: { searchParams: Promise<{ open?: string }> }) {
  const current = await requireUser();
  const { user, sessionId } = current;
  const [sessions, { defaultCountry }, pending, policy, devices, keys, enrolled, recoveryLeft, sp] = await Promise.all([
    listSessions(user.id),
    getSettings("regional"),
    phoneConfirmFlow.read(),
    loadPolicy(),
    listTrustedDevices(user.id),
    listCredentials(user.id),
    enrolmentOf(user),
    remainingRecoveryCodes(user.id),
    searchParams,
  ]);
  const emailChange = await emailChangeFlow.read();
  const stepUp = await stepUpNeeded(current);
  const requested = new Set((sp.open ?? "").split(",").filter((r): r is (typeof ROWS)[number] => (ROWS as readonly string[]).includes(r)));
  const pendingEmail = emailChange?.userId === user.id ? emailChange.email : null;
  const pendingPhone = pending?.userId === user.id ? pending.phone : null;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Security</h1>
      {stepUp ? <ReauthNotice hasPassword={Boolean(user.passwordHash)} /> : null}
      <AccountRows user={user} open={requested} pendingEmail={pendingEmail} pendingPhone={pendingPhone} defaultCountry={defaultCountry} />
      <TwoStepRows user={user} open={requested} policy={policy} enrolled={enrolled} keys={keys} recoveryLeft={recoveryLeft} devices={devices} />
      <SessionRows user={user} open={requested} sessions={sessions} sessionId={sessionId} />
    </div>
  );
}
