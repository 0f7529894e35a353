import { requireUser } from "@/lib/auth/guards";
import { listSessions } from "@/lib/auth/sessions";
import { deviceLabel } from "@/lib/request";
import { PasswordForm } from "./password-form";
import { SessionsList } from "./sessions-list";

export const metadata = { title: "Security" };

const fmt = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

export default async function SecurityPage() {
  const { user, sessionId } = await requireUser();
  const sessions = await listSessions(user.id);
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
