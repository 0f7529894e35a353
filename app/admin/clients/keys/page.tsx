import { requireAdmin } from "@/lib/auth/guards";
import { ALGS, listKeys, NEXT_KEY_ACTIVATES_AFTER_SECONDS } from "@/lib/oidc/keys";
import { KeyForms } from "./key-forms";
import { formatDateTime } from "@/lib/shared/format";
import { BackToApps } from "../back-to-apps";

export const metadata = { title: "Signing keys" };

const fmt = (d: Date | null) => (d ? formatDateTime(d) : "—");
const STATE = { current: "Signs ID tokens", next: "Published, not signing yet", retired: "Retired, still published" } as const;

export default async function KeysPage() {
  await requireAdmin();
  const keys = await listKeys();
  return (
    <div className="space-y-6">
      <BackToApps />
      <h1 className="text-2xl font-semibold">Signing keys</h1>
      <p className="max-w-2xl text-sm text-slate-700">
        ID tokens are signed with one ES256 and one RS256 key (each app chooses). The private keys are stored encrypted. To rotate, publish a new key:
        apps&apos; key caches see it first; it starts signing when you activate it, or by itself after {NEXT_KEY_ACTIVATES_AFTER_SECONDS / 3600} hours (the
        daily job). The old key stays published until the tokens it signed can no longer be used.
      </p>
      {ALGS.map((alg) => {
        const mine = keys.filter((k) => k.alg === alg);
        return (
          <section key={alg} aria-labelledby={`keys-${alg}`} className="space-y-3">
            <h2 id={`keys-${alg}`} className="text-lg font-semibold">
              {alg}
            </h2>
            <ul aria-label={`${alg} keys`} className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
              {mine.map((k) => (
                <li key={k.kid} className="p-3 text-sm" data-key-state={k.state}>
                  <p className="font-medium">{STATE[k.state]}</p>
                  <p className="break-all font-mono text-xs text-slate-600">{k.kid}</p>
                  <p className="text-xs text-slate-600">
                    Created {fmt(k.createdAt)}
                    {k.activatedAt ? ` · signing since ${fmt(k.activatedAt)}` : ""}
                    {k.deleteAfter ? ` · removed after ${fmt(k.deleteAfter)}` : ""}
                  </p>
                </li>
              ))}
            </ul>
            <KeyForms alg={alg} hasNext={mine.some((k) => k.state === "next")} />
          </section>
        );
      })}
    </div>
  );
}
