// Connected apps: the apps that sign in with this account (OpenID Connect), and removing their access.
import { listConnectedApps } from "@/lib/oidc/grants";
import { ConnectedAppsList } from "./connected-apps-list";
import { SummaryRow } from "./summary-row";
import { formatDateTime } from "@/lib/shared/format";

const WORDS: Record<string, string> = {
  openid: "your account ID",
  profile: "name and profiles",
  email: "email address",
  phone: "phone number",
  offline_access: "access while you are away",
};

export async function ConnectedAppsSection({ userId, open }: { userId: string; open: boolean }) {
  const apps = await listConnectedApps(userId);
  return (
    <SummaryRow
      id="apps"
      title="Connected apps"
      status={apps.length ? `${apps.length} ${apps.length === 1 ? "app signs" : "apps sign"} you in with Latchkey` : "None"}
      action="Manage"
      open={open}
    >
      <p className="text-sm text-slate-700">Apps you allowed to sign you in with Latchkey. Removing one ends its access now; it asks again next time.</p>
      <ConnectedAppsList
        apps={apps.map((a) => ({
          clientId: a.clientId,
          name: a.name,
          scopes: a.scopes.map((s) => WORDS[s] ?? s).join(", "),
          since: formatDateTime(a.since),
          lastUsed: formatDateTime(a.lastUsed),
        }))}
      />
    </SummaryRow>
  );
}
