import { requireUser } from "@/lib/auth/guards";
import { listSessions } from "@/lib/auth/sessions";
import { deviceLabel } from "@/lib/request";
import { PasswordForm } from "./password-form";
import { phoneConfirmFlow } from "@/lib/phone/confirm";
import { emailChangeFlow } from "@/lib/accounts/email-change";
import { PhoneConfirmForm } from "@/app/(app)/account/security/phone-form";
import { countryOptions, formatPhone } from "@/lib/phone/parse";
import { getSettings } from "@/lib/settings";
import { cooldownEnd } from "@/lib/codes/send";
import { loadPolicy, requiredForEveryone } from "@/lib/factors/policy";
import { enrolmentOf } from "@/lib/factors/enrol";
import { listTrustedDevices } from "@/lib/factors/trusted-devices";
import { listCredentials } from "@/lib/factors/webauthn";
import { remainingRecoveryCodes } from "@/lib/factors/recovery-codes";
import { ChooseMethods, EmailMethod, RegenerateCodes, RemoveButton, SecurityKeys, SecondStepSettings, TotpMethod } from "./two-factor-section";
import { TrustedDevicesList } from "./trusted-devices-list";
import { SessionsList } from "./sessions-list";
import { EmailForm } from "./email-form";
import { ConfirmPasswordForm } from "./confirm-password-form";
import { stepUpNeeded } from "@/lib/auth/step-up";
import { BlockingNoticeForm } from "./blocking-notice-form";
import { formatDay } from "@/lib/shared/format";
import { DeliveryNotice } from "@/components/ui/delivery-notice";
import { ConnectedAppsSection } from "./connected-apps-section";

export const metadata = { title: "Security" };

// Kept here: a plain object exported from a "use client" module reaches a server component as a
// client reference, so its fields read as undefined and the headings below were empty.
const METHOD_LABELS = { sms: "Text message (SMS)", email: "Email codes", totp: "Authenticator app", webauthn: "Security keys" } as const;

const fmt = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

export default async function SecurityPage() {
  const current = await requireUser();
  const { user, sessionId } = current;
  const [sessions, { defaultCountry }, pending, policy, devices, keys, enrolled, recoveryLeft] = await Promise.all([
    listSessions(user.id),
    getSettings("regional"),
    phoneConfirmFlow.read(),
    loadPolicy(),
    listTrustedDevices(user.id),
    listCredentials(user.id),
    enrolmentOf(user),
    remainingRecoveryCodes(user.id),
  ]);
  const emailChange = await emailChangeFlow.read();
  const stepUp = await stepUpNeeded(current);
  const enrolledMethods = (Object.keys(enrolled) as Array<keyof typeof enrolled>).filter((m) => enrolled[m] && policy.allowedMethods.includes(m));
  return (
    <div className="space-y-10">
      <h1 className="text-2xl font-semibold">Security</h1>
      {stepUp ? (
        <section aria-labelledby="reauth-h" className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4">
          <h2 id="reauth-h" className="text-lg font-semibold">
            Confirm it&apos;s you
          </h2>
          {user.passwordHash ? (
            <>
              <p className="text-sm text-slate-800">You signed in more than 15 minutes ago. Enter your password to change your email, phone, password or two-step methods.</p>
              <ConfirmPasswordForm />
            </>
          ) : (
            <p className="text-sm text-slate-800">You signed in more than 15 minutes ago. Sign out and sign in again to change your email, phone or two-step methods.</p>
          )}
        </section>
      ) : null}
      <section aria-labelledby="email-h" className="space-y-2">
        <h2 id="email-h" className="text-lg font-semibold">
          Email
        </h2>
        <p className="text-sm text-slate-700">
          {user.email ?? "No email address"} {user.email ? (user.emailVerifiedAt ? "· confirmed" : "· not confirmed") : null}
        </p>
        <p className="text-sm text-slate-700">Used for password recovery and email codes.</p>
        <h3 className="text-sm font-semibold">{user.email ? "Change your email address" : "Add an email address"}</h3>
        <EmailForm current={user.email} pendingEmail={emailChange?.userId === user.id ? emailChange.email : null} />
      </section>
      <section aria-labelledby="password-h" className="space-y-3">
        <h2 id="password-h" className="text-lg font-semibold">
          Password
        </h2>
        {user.canChangePassword ? (
          <>
            <p className="text-sm text-slate-700">Changing your password signs you out everywhere else.</p>
            <PasswordForm hasPassword={Boolean(user.passwordHash)} />
          </>
        ) : (
          <p className="text-sm text-slate-700">Your administrator manages the password of this account, so it cannot be changed here.</p>
        )}
      </section>
      <section aria-labelledby="phone-h" className="space-y-3">
        <h2 id="phone-h" className="text-lg font-semibold">
          Phone
        </h2>
        <p className="text-sm text-slate-700">
          {user.phone && user.phoneVerifiedAt ? `${formatPhone(user.phone)} · confirmed` : "No confirmed phone number"}
        </p>
        {user.canReceiveSms ? (
          <div className="max-w-xl">
            <h3 className="mb-2 text-sm font-semibold">{user.phoneVerifiedAt ? "Change your phone number" : "Add a phone number"}</h3>
            {pending?.userId === user.id ? <DeliveryNotice channel="sms" /> : null}
            <PhoneConfirmForm
              countries={countryOptions()}
              defaultCountry={defaultCountry}
              pendingPhone={pending?.userId === user.id ? pending.phone : null}
              pendingPhoneLabel={pending ? formatPhone(pending.phone) : undefined}
              sendLabel="Send SMS"
              context="security"
              resendUntil={pending?.userId === user.id ? await cooldownEnd("phone_confirm", pending.phone) : null}
            />
          </div>
        ) : (
          <p className="text-sm text-slate-700">Text messages are turned off for your account by your administrator.</p>
        )}
      </section>
      <section aria-labelledby="twofa-h" className="space-y-5">
        <h2 id="twofa-h" className="text-lg font-semibold">
          Two-step verification
        </h2>
        {!policy.enabled ? (
          <p className="text-sm text-slate-700">Two-step verification is turned off for this site by your administrator.</p>
        ) : (
        <>
          <SecondStepSettings
            web={user.twoFactorWeb}
            manager={user.twoFactorManager}
            isAdmin={user.isAdmin}
            requiredForEveryone={requiredForEveryone(policy)}
            hasMethod={enrolledMethods.length > 0}
          />
          <ul className="space-y-4">
            {policy.allowedMethods.includes("email") ? (
              <li className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
                <h3 className="font-semibold">
                  {METHOD_LABELS.email} {enrolled.email ? <span className="text-sm font-normal text-green-800">· set up</span> : null}
                </h3>
                <EmailMethod enrolled={enrolled.email} email={user.email} />
              </li>
            ) : null}
            {policy.allowedMethods.includes("sms") && user.canReceiveSms ? (
              <li className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
                <h3 className="font-semibold">
                  {METHOD_LABELS.sms} {enrolled.sms ? <span className="text-sm font-normal text-green-800">· set up</span> : null}
                </h3>
                {enrolled.sms ? (
                  <>
                    <p className="text-sm">Codes go to {formatPhone(user.phone)}. Change the number in the Phone section.</p>
                    <RemoveButton method="sms" label="Remove phone from two-step" />
                  </>
                ) : (
                  <p className="text-sm">Add and confirm a phone number in the Phone section above (“Send SMS”, then the code).</p>
                )}
              </li>
            ) : null}
            {policy.allowedMethods.includes("totp") ? (
              <li className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
                <h3 className="font-semibold">
                  {METHOD_LABELS.totp} {enrolled.totp ? <span className="text-sm font-normal text-green-800">· set up</span> : null}
                </h3>
                <TotpMethod enrolled={enrolled.totp} />
              </li>
            ) : null}
            {policy.allowedMethods.includes("webauthn") ? (
              <li className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
                <h3 className="font-semibold">{METHOD_LABELS.webauthn}</h3>
                <SecurityKeys
                  keys={keys.map((k) => ({ id: k.id, name: k.name, created: fmt(k.createdAt), lastUsed: k.lastUsedAt ? fmt(k.lastUsedAt) : "never" }))}
                />
              </li>
            ) : null}
          </ul>
          <ChooseMethods enrolled={enrolledMethods} primary={user.primaryMethod} backup={user.backupMethod} />
          {enrolledMethods.length ? <RegenerateCodes remaining={recoveryLeft} /> : null}
        </>
        )}
      </section>
      <section aria-labelledby="devices-h" className="space-y-3">
        <h2 id="devices-h" className="text-lg font-semibold">
          Trusted devices
        </h2>
        <TrustedDevicesList
          devices={devices.map((d) => ({ id: d.id, label: d.label, lastUsed: fmt(d.lastUsedAt), expires: d.expiresAt ? fmt(d.expiresAt) : "the end of the browser session" }))}
        />
      </section>
      <section aria-labelledby="sessions-h" className="space-y-3">
        <h2 id="sessions-h" className="text-lg font-semibold">
          Sessions
        </h2>
        <SessionsList
          sessions={sessions.map((s) => ({
            id: s.id,
            device: deviceLabel(s.userAgent),
            lastActive: fmt(s.lastActiveAt),
            created: fmt(s.createdAt),
            current: s.id === sessionId,
          }))}
        />
      </section>
      <ConnectedAppsSection userId={user.id} />
      <section aria-labelledby="blocking-h" className="space-y-3">
        <h2 id="blocking-h" className="text-lg font-semibold">
          Account blocking notices
        </h2>
        <BlockingNoticeForm notify={user.notifyBlocking} blockOnLabel={user.blockOn ? formatDay(user.blockOn) : null} />
      </section>
    </div>
  );
}
