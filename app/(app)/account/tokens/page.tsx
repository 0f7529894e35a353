import { requireUser } from "@/lib/auth/guards";
import { listApiTokens } from "@/lib/api-tokens";
import { formatDay } from "@/lib/shared/format";
import { CreateTokenForm } from "./create-token-form";
import { TokenButtons } from "./token-buttons";

export const metadata = { title: "API tokens" };

const STATUS_STYLE = {
  active: "bg-green-100 text-green-900",
  expired: "bg-slate-200 text-slate-800",
  revoked: "bg-red-100 text-red-900",
} as const;

export default async function TokensPage() {
  const { user } = await requireUser();
  const tokens = await listApiTokens(user.id);
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">API tokens</h1>
      <p className="max-w-2xl text-sm text-slate-700">
        A personal API token lets a script act as you: send it as <code>Authorization: Bearer &lt;token&gt;</code> (for example to <code>GET /api/me</code>).
        Tokens are valid for one year. Revoke a token you no longer use.
      </p>
      <section aria-labelledby="new-token-h" className="space-y-4 rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="new-token-h" className="text-lg font-semibold">
          Create a token
        </h2>
        <CreateTokenForm />
      </section>
      <section aria-labelledby="tokens-h" className="space-y-3">
        <h2 id="tokens-h" className="text-lg font-semibold">
          Your tokens
        </h2>
        {tokens.length ? (
          <div className="rounded-lg border border-slate-200 bg-white">
            {/* A table from md up; below, each token is a card (the cells stack, each with its label). */}
            <table className="block w-full text-left text-sm md:table">
              <caption className="sr-only">Your API tokens</caption>
              <thead className="hidden bg-slate-100 text-xs uppercase text-slate-700 md:table-header-group">
                <tr>
                  <th scope="col" className="px-3 py-2">
                    Name
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Status
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Expires
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Last used
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Actions
                  </th>
                </tr>
              </thead>
              <tbody className="block divide-y divide-slate-200 md:table-row-group">
                {tokens.map((t) => (
                  <tr key={t.id} data-token={t.name} className="block space-y-2 p-4 align-top md:table-row md:space-y-0 md:p-0">
                    <td className="block md:table-cell md:px-3 md:py-3">
                      <p className="font-medium [overflow-wrap:anywhere]">{t.name}</p>
                      <p className="font-mono text-xs text-slate-600">{t.prefix}…</p>
                    </td>
                    <td className="block md:table-cell md:px-3 md:py-3">
                      <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[t.status]}`} data-testid="token-status">
                        {t.status}
                      </span>
                    </td>
                    <td className="block md:table-cell md:px-3 md:py-3">
                      <span className="text-slate-600 md:hidden">Expires </span>
                      <span data-testid="token-expires">{formatDay(t.expiresAt)}</span>
                    </td>
                    <td className="block md:table-cell md:px-3 md:py-3">
                      <span className="text-slate-600 md:hidden">Last used </span>
                      {t.lastUsedAt ? formatDay(t.lastUsedAt) : "never"}
                    </td>
                    <td className="block pt-1 md:table-cell md:px-3 md:py-3">
                      <TokenButtons tokenId={t.id} name={t.name} revocable={t.status === "active"} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-slate-700">You have no tokens yet.</p>
        )}
      </section>
    </div>
  );
}
