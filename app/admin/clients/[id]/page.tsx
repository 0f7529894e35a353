import { requireAdmin } from "@/lib/auth/guards";
import { notFound } from "next/navigation";
import { env } from "@/lib/env";
import { getClient } from "@/lib/oidc/clients";
import { ClientForm } from "../client-form";
import { ClientStatus, RotateSecret } from "./secret-and-status-forms";
import { formatDateTime } from "@/lib/shared/format";
import { BackToApps } from "../back-to-apps";

export const metadata = { title: "App" };

const fmt = formatDateTime;

export default async function ClientPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  // Next has decoded the segment already; an id with control characters names no app (getClient).
  const { id } = await params;
  const client = await getClient(id);
  if (!client) notFound();
  const { baseUrl } = env();
  return (
    <div className="space-y-8">
      <BackToApps />
      <div>
        <h1 className="text-2xl font-semibold">{client.name}</h1>
        <p className="text-sm text-slate-700">
          {client.type === "confidential" ? "Confidential app" : "Public app"} · {client.disabledAt ? `disabled ${fmt(client.disabledAt)}` : "active"}
        </p>
      </div>
      <section aria-labelledby="connect-h" className="space-y-2">
        <h2 id="connect-h" className="text-lg font-semibold">
          Connecting the app
        </h2>
        <dl className="grid max-w-2xl gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="font-medium">Issuer</dt>
          <dd className="break-all font-mono">{baseUrl}</dd>
          <dt className="font-medium">Client ID</dt>
          <dd className="break-all font-mono" data-testid="client-id">
            {client.id}
          </dd>
          <dt className="font-medium">Client secret</dt>
          <dd>
            {client.type === "confidential"
              ? `set ${client.secretCreatedAt ? fmt(client.secretCreatedAt) : ""} (shown only when made)`
              : "none (public app: PKCE)"}
          </dd>
          <dt className="font-medium">Discovery</dt>
          <dd className="break-all font-mono">{baseUrl}/.well-known/openid-configuration</dd>
        </dl>
      </section>
      <section aria-labelledby="settings-h" className="space-y-3">
        <h2 id="settings-h" className="text-lg font-semibold">
          Settings
        </h2>
        <ClientForm
          initial={{
            id: client.id,
            name: client.name,
            type: client.type,
            redirectUris: client.redirectUris,
            postLogoutRedirectUris: client.postLogoutRedirectUris,
            allowedScopes: client.allowedScopes,
            require2fa: client.require2fa,
            skipConsent: client.skipConsent,
            idTokenAlg: client.idTokenAlg,
          }}
        />
      </section>
      {client.type === "confidential" ? (
        <section aria-labelledby="secret-h" className="space-y-3">
          <h2 id="secret-h" className="text-lg font-semibold">
            Client secret
          </h2>
          <p className="max-w-2xl text-sm text-slate-700">Rotating makes a new secret at once; the old one stops working, so update the app right after.</p>
          <RotateSecret clientId={client.id} />
        </section>
      ) : null}
      <section aria-labelledby="status-h" className="space-y-3">
        <h2 id="status-h" className="text-lg font-semibold">
          {client.disabledAt ? "Enable" : "Disable"}
        </h2>
        <p className="max-w-2xl text-sm text-slate-700">
          {client.disabledAt
            ? "Enabling lets people sign in to the app again."
            : "Disabling stops every sign-in to the app and ends its codes and tokens at once; people who allowed it will be asked again if it is enabled later."}
        </p>
        <ClientStatus clientId={client.id} disabled={Boolean(client.disabledAt)} />
      </section>
    </div>
  );
}
