// Connected apps: the apps that sign in with this account (OpenID Connect), and removing their access.
import { listConnectedApps } from "@/lib/oidc/grants";
import { ConnectedAppsList } from "./connected-apps-list";

const WORDS: Record<string, string> = {
  openid: "your account ID",
  profile: "name and profiles",
  email: "email address",
  phone: "phone number",
  offline_access: "access while you are away",
};
const fmt = (d: Date) => d.toISOString().replace("T", " ").slice(0, 16) + " UTC";

export async function ConnectedAppsSection({ userId }: { userId: string }) {
  const apps = await listConnectedApps(userId);
  return (
    <section aria-labelledby="apps-h" className="space-y-3">
      <h2 id="apps-h" className="text-lg font-semibold">
        Connected apps
      </h2>
      <p className="text-sm text-slate-700">Apps you allowed to sign you in with Latchkey. Removing one ends its access now; it asks again next time.</p>
      <ConnectedAppsList
        apps={apps.map((a) => ({
          clientId: a.clientId,
          name: a.name,
          scopes: a.scopes.map((s) => WORDS[s] ?? s).join(", "),
          since: fmt(a.since),
          lastUsed: fmt(a.lastUsed),
        }))}
      />
    </section>
  );
}
