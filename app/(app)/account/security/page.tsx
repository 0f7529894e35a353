import { requireUser } from "@/lib/auth/guards";
import { listSessions } from "@/lib/auth/sessions";
import { deviceLabel } from "@/lib/request";
import { PasswordForm } from "./password-form";
import { PhoneConfirmForm } from "@/components/forms/phone-confirm-form";
import { readFlow } from "@/lib/flow-cookie";
import { countryOptions, formatPhone } from "@/lib/phone";
import { getSettings } from "@/lib/settings";
import { SessionsList } from "./sessions-list";

export const metadata = { title: "Security" };

const fmt = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

export default async function SecurityPage() {
  const { user, sessionId } = await requireUser();
  const [sessions, { defaultCountry }, pending] = await Promise.all([
    listSessions(user.id),
    getSettings("regional"),
    readFlow<{ phone: string; userId: string }>("phone_confirm"),
  ]);
  return (
    <div className="space-y-10">
      <h1 className="text-2xl font-semibold">Security</h1>
      <section aria-labelledby="email-h" className="space-y-2">
        <h2 id="email-h" className="text-lg font-semibold">
          Email
        </h2>
        <p className="text-sm text-slate-700">
          {user.email ?? "No email address"} {user.email ? (user.emailVerifiedAt ? "· confirmed" : "· not confirmed") : null}
        </p>
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
            <PhoneConfirmForm
              countries={countryOptions()}
              defaultCountry={defaultCountry}
              pendingPhone={pending?.userId === user.id ? pending.phone : null}
              pendingPhoneLabel={pending ? formatPhone(pending.phone) : undefined}
            />
          </div>
        ) : (
          <p className="text-sm text-slate-700">Text messages are turned off for your account by your administrator.</p>
        )}
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
    </div>
  );
}
