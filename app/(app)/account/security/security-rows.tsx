// The rows of the security page, grouped as it shows them: the account's email, password and phone;
// two-step verification with its methods and trusted devices; sessions, connected apps and notices.
import type { Current } from "@/lib/auth/current";
import type { listSessions } from "@/lib/auth/sessions";
import { cooldownEnd } from "@/lib/codes/send";
import type { enrolmentOf } from "@/lib/factors/enrol";
import { requiredForEveryone, type loadPolicy } from "@/lib/factors/policy";
import type { listTrustedDevices } from "@/lib/factors/trusted-devices";
import type { listCredentials } from "@/lib/factors/webauthn";
import { countryOptions, formatPhone } from "@/lib/phone/parse";
import { deviceLabel } from "@/lib/request";
import { formatDay, formatDateTime } from "@/lib/shared/format";
import { DeliveryNotice } from "@/components/ui/delivery-notice";
import { BlockingNoticeForm } from "./blocking-notice-form";
import { ConfirmPasswordForm } from "./confirm-password-form";
import { ConnectedAppsSection } from "./connected-apps-section";
import { EmailForm } from "./email-form";
import { PasswordForm } from "./password-form";
import { PhoneConfirmForm } from "./phone-form";
import { SessionsList } from "./sessions-list";
import { SummaryRow } from "./summary-row";
import { TrustedDevicesList } from "./trusted-devices-list";
import { ChooseMethods, EmailMethod, RegenerateCodes, RemoveButton, SecurityKeys, SecondStepSettings, TotpMethod } from "./two-factor-section";

type User = Current["user"];
/** The rows ?open= names (a link from elsewhere, or a form that must be open after a reload). */
type Open = ReadonlySet<string>;

// Kept here: a plain object exported from a "use client" module reaches a server component as a
// client reference, so its fields read as undefined and the headings below were empty.
const METHOD_LABELS = { sms: "Text message (SMS)", email: "Email codes", totp: "Authenticator app", webauthn: "Security keys" } as const;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const on = (yes: boolean) => (yes ? <span className="font-medium text-green-800">On</span> : "Not set up");

/** Shown when the sign-in is older than the step-up window: changes need the password first. */
export function ReauthNotice({ hasPassword }: { hasPassword: boolean }) {
  return (
    <section aria-labelledby="reauth-h" className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h2 id="reauth-h" className="text-lg font-semibold">
        Confirm it&apos;s you
      </h2>
      {hasPassword ? (
        <>
          <p className="text-sm text-slate-800">
            You signed in more than 15 minutes ago. Enter your password to change your email, phone, password or two-step methods.
          </p>
          <ConfirmPasswordForm />
        </>
      ) : (
        <p className="text-sm text-slate-800">
          You signed in more than 15 minutes ago. Sign out and sign in again to change your email, phone or two-step methods.
        </p>
      )}
    </section>
  );
}

export async function AccountRows({
  user,
  open,
  pendingEmail,
  pendingPhone,
  defaultCountry,
}: {
  user: User;
  open: Open;
  pendingEmail: string | null;
  pendingPhone: string | null;
  defaultCountry: string;
}) {
  return (
    <div className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      <SummaryRow
        id="email"
        title="Email"
        status={user.email ? `${user.email} · ${user.emailVerifiedAt ? "confirmed" : "not confirmed"}` : "Not set"}
        action={user.email ? "Change" : "Add"}
        open={open.has("email") || Boolean(pendingEmail)}
      >
        <p className="text-sm text-slate-700">Used for password recovery and email codes.</p>
        <EmailForm current={user.email} pendingEmail={pendingEmail} />
      </SummaryRow>
      {user.canChangePassword ? (
        <SummaryRow
          id="password"
          title="Password"
          status={user.passwordHash ? "Set" : "Not set"}
          action={user.passwordHash ? "Change" : "Set"}
          open={open.has("password")}
        >
          <p className="text-sm text-slate-700">Changing your password signs you out everywhere else.</p>
          <PasswordForm hasPassword={Boolean(user.passwordHash)} />
        </SummaryRow>
      ) : (
        <SummaryRow id="password" title="Password" status="Managed by your administrator: it cannot be changed here." />
      )}
      {user.canReceiveSms ? (
        <SummaryRow
          id="phone"
          title="Phone"
          status={user.phone && user.phoneVerifiedAt ? `${formatPhone(user.phone)} · confirmed` : pendingPhone ? "Waiting for the code" : "Not set"}
          action={user.phoneVerifiedAt ? "Change" : "Add"}
          open={open.has("phone") || Boolean(pendingPhone)}
        >
          <div className="max-w-xl space-y-4">
            {pendingPhone ? <DeliveryNotice channel="sms" /> : null}
            <PhoneConfirmForm
              countries={countryOptions()}
              defaultCountry={defaultCountry}
              pendingPhone={pendingPhone}
              pendingPhoneLabel={pendingPhone ? formatPhone(pendingPhone) : undefined}
              sendLabel="Send SMS"
              context="security"
              resendUntil={pendingPhone ? await cooldownEnd("phone_confirm", pendingPhone) : null}
            />
          </div>
        </SummaryRow>
      ) : (
        <SummaryRow
          id="phone"
          title="Phone"
          status={
            user.phone && user.phoneVerifiedAt
              ? `${formatPhone(user.phone)} · confirmed. Text messages are turned off for your account by your administrator.`
              : "Text messages are turned off for your account by your administrator."
          }
        />
      )}
    </div>
  );
}

export function TwoStepRows({
  user,
  open,
  policy,
  enrolled,
  keys,
  recoveryLeft,
  devices,
}: {
  user: User;
  open: Open;
  policy: Awaited<ReturnType<typeof loadPolicy>>;
  enrolled: Awaited<ReturnType<typeof enrolmentOf>>;
  keys: Awaited<ReturnType<typeof listCredentials>>;
  recoveryLeft: number;
  devices: Awaited<ReturnType<typeof listTrustedDevices>>;
}) {
  const enrolledMethods = (Object.keys(enrolled) as Array<keyof typeof enrolled>).filter((m) => enrolled[m] && policy.allowedMethods.includes(m));
  const everyone = requiredForEveryone(policy);
  const asked = everyone || user.twoFactorWeb;
  return (
    <div className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {!policy.enabled ? (
        <SummaryRow id="two-step" title="Two-step verification" status="Two-step verification is turned off for this site by your administrator." />
      ) : (
        <>
          <SummaryRow
            id="two-step"
            title="Two-step verification"
            status={
              <>
                <p data-testid="second-step-status">
                  {everyone
                    ? "Your administrator asks every account for a second step when signing in."
                    : user.twoFactorWeb
                      ? "A second step is asked each time you sign in."
                      : "Signing in asks for your password only."}
                </p>
                {asked && !enrolledMethods.length ? (
                  <p className="text-amber-900">Set up a method below. If you don&apos;t, your next sign-in will ask you to set one up first.</p>
                ) : null}
              </>
            }
            action="Change"
            open={open.has("two-step")}
          >
            {everyone ? null : <SecondStepSettings web={user.twoFactorWeb} manager={user.twoFactorManager} isAdmin={user.isAdmin} />}
          </SummaryRow>
          {policy.allowedMethods.includes("totp") ? (
            <SummaryRow
              id="authenticator"
              title={METHOD_LABELS.totp}
              status={on(enrolled.totp)}
              action={enrolled.totp ? "Manage" : "Set up"}
              open={open.has("authenticator")}
            >
              <TotpMethod enrolled={enrolled.totp} />
            </SummaryRow>
          ) : null}
          {policy.allowedMethods.includes("webauthn") ? (
            <SummaryRow
              id="keys"
              title={METHOD_LABELS.webauthn}
              status={keys.length ? plural(keys.length, "key", "keys") : "None"}
              action={keys.length ? "Manage" : "Add"}
              open={open.has("keys")}
            >
              <SecurityKeys
                keys={keys.map((k) => ({
                  id: k.id,
                  name: k.name,
                  created: formatDateTime(k.createdAt),
                  lastUsed: k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "never",
                }))}
              />
            </SummaryRow>
          ) : null}
          {policy.allowedMethods.includes("email") ? (
            <SummaryRow
              id="email-codes"
              title={METHOD_LABELS.email}
              status={on(enrolled.email)}
              action={enrolled.email ? "Manage" : "Set up"}
              open={open.has("email-codes")}
            >
              <EmailMethod enrolled={enrolled.email} email={user.email} />
            </SummaryRow>
          ) : null}
          {policy.allowedMethods.includes("sms") && user.canReceiveSms ? (
            <SummaryRow
              id="sms"
              title={METHOD_LABELS.sms}
              status={
                enrolled.sms ? (
                  <>
                    {on(true)} · codes go to {formatPhone(user.phone)}
                  </>
                ) : (
                  "Not set up: add and confirm a phone number above"
                )
              }
              action={enrolled.sms ? "Manage" : undefined}
              open={open.has("sms")}
            >
              {enrolled.sms ? (
                <>
                  <p className="text-sm">Change the number in the Phone row above.</p>
                  <RemoveButton method="sms" label="Remove phone from two-step" />
                </>
              ) : null}
            </SummaryRow>
          ) : null}
          {enrolledMethods.length ? (
            <SummaryRow
              id="methods"
              title="Preferred method"
              status={`${METHOD_LABELS[(user.primaryMethod as keyof typeof METHOD_LABELS) ?? enrolledMethods[0]!] ?? METHOD_LABELS[enrolledMethods[0]!]}${
                user.backupMethod && user.backupMethod in METHOD_LABELS ? ` · backup: ${METHOD_LABELS[user.backupMethod as keyof typeof METHOD_LABELS]}` : ""
              }`}
              action="Change"
              open={open.has("methods")}
            >
              <ChooseMethods enrolled={enrolledMethods} primary={user.primaryMethod} backup={user.backupMethod} />
            </SummaryRow>
          ) : null}
          {enrolledMethods.length ? (
            <SummaryRow id="recovery" title="Recovery codes" status={`${recoveryLeft} left`} action="Show new" open={open.has("recovery")}>
              <RegenerateCodes remaining={recoveryLeft} />
            </SummaryRow>
          ) : null}
        </>
      )}
      <SummaryRow
        id="devices"
        title="Trusted devices"
        status={devices.length ? `${plural(devices.length, "device skips", "devices skip")} the second step` : "None"}
        action="Manage"
        open={open.has("devices")}
      >
        <TrustedDevicesList
          devices={devices.map((d) => ({
            id: d.id,
            label: d.label,
            lastUsed: formatDateTime(d.lastUsedAt),
            expires: d.expiresAt ? formatDateTime(d.expiresAt) : "the end of the browser session",
          }))}
        />
      </SummaryRow>
    </div>
  );
}

export function SessionRows({
  user,
  open,
  sessions,
  sessionId,
}: {
  user: User;
  open: Open;
  sessions: Awaited<ReturnType<typeof listSessions>>;
  sessionId: string;
}) {
  return (
    <div className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      <SummaryRow
        id="sessions"
        title="Sessions"
        status={`${plural(sessions.length, "browser is", "browsers are")} signed in`}
        action="Manage"
        open={open.has("sessions")}
      >
        <SessionsList
          sessions={sessions.map((s) => ({
            id: s.id,
            device: deviceLabel(s.userAgent),
            lastActive: formatDateTime(s.lastActiveAt),
            created: formatDateTime(s.createdAt),
            current: s.id === sessionId,
          }))}
        />
      </SummaryRow>
      <ConnectedAppsSection userId={user.id} open={open.has("apps")} />
      {/* The option matters once a block is scheduled, or after it was turned off (to turn it back on). */}
      {user.blockOn || !user.notifyBlocking ? (
        <SummaryRow
          id="blocking"
          title="Account blocking notices"
          status={
            user.blockOn
              ? `Your administrator has scheduled this account to be blocked on ${formatDay(user.blockOn)}. ${user.notifyBlocking ? "You are emailed before." : "No email before."}`
              : "Off: no email before a scheduled block"
          }
          action="Change"
          open={open.has("blocking")}
        >
          <BlockingNoticeForm notify={user.notifyBlocking} blockOnLabel={user.blockOn ? formatDay(user.blockOn) : null} />
        </SummaryRow>
      ) : null}
    </div>
  );
}
