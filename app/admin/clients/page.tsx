import { formatDay } from "@/lib/shared/format";
import { requireAdmin } from "@/lib/auth/guards";
import Link from "next/link";
import { listClients } from "@/lib/oidc/clients";
import { env } from "@/lib/env";

export const metadata = { title: "Apps (OpenID Connect)" };

const fmt = (d: Date) => formatDay(d);

export default async function ClientsPage() {
  await requireAdmin();
  const clients = await listClients();
  const { baseUrl } = env();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Apps</h1>
      <p className="max-w-2xl text-sm text-slate-700">
        Apps that sign in with Latchkey through OpenID Connect. Give an app its client ID (and secret) and the issuer{" "}
        <code className="break-all rounded bg-slate-100 px-1">{baseUrl}</code>; it finds the rest at{" "}
        <code className="break-all rounded bg-slate-100 px-1">{baseUrl}/.well-known/openid-configuration</code>.
      </p>
      <div className="flex flex-wrap gap-3">
        <Link href="/admin/clients/new" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
          New app
        </Link>
        <Link href="/admin/clients/keys" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold hover:bg-slate-100">
          Signing keys
        </Link>
      </div>
      {clients.length === 0 ? (
        <p className="text-sm text-slate-700">No app is registered yet.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Registered apps</caption>
            <thead className="border-b border-slate-200 bg-slate-50">
              <tr>
                <th scope="col" className="px-3 py-2">
                  App
                </th>
                <th scope="col" className="px-3 py-2">
                  Kind
                </th>
                <th scope="col" className="px-3 py-2">
                  Status
                </th>
                <th scope="col" className="px-3 py-2">
                  Created
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {clients.map((c) => (
                <tr key={c.id} data-client-id={c.id}>
                  <td className="px-3 py-2">
                    <Link href={`/admin/clients/${encodeURIComponent(c.id)}`} className="font-medium text-brand-600 underline">
                      {c.name}
                    </Link>
                    <div className="font-mono text-xs text-slate-600">{c.id}</div>
                  </td>
                  <td className="px-3 py-2">{c.type === "confidential" ? "Confidential" : "Public"}</td>
                  <td className="px-3 py-2">{c.disabledAt ? "Disabled" : "Active"}</td>
                  <td className="px-3 py-2">{fmt(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
