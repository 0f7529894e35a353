"use client";
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { revokeConnectedAppAction } from "./connected-apps-actions";

export type ConnectedAppRow = { clientId: string; name: string; scopes: string; since: string; lastUsed: string };

export function ConnectedAppsList({ apps }: { apps: ConnectedAppRow[] }) {
  const [state, formAction] = useActionState(revokeConnectedAppAction, null);
  return (
    <div className="space-y-4">
      <FormMessage state={state} />
      {apps.length === 0 ? (
        <p className="text-sm text-slate-700">No app signs in with your Latchkey account.</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Connected apps">
          {apps.map((a) => (
            <li key={a.clientId} className="flex flex-wrap items-center justify-between gap-3 p-4">
              <div>
                <p className="font-medium">{a.name}</p>
                <p className="text-xs text-slate-600">Can see: {a.scopes}</p>
                <p className="text-xs text-slate-600">
                  Allowed {a.since} · last signed in {a.lastUsed}
                </p>
              </div>
              <form action={formAction}>
                <input type="hidden" name="clientId" value={a.clientId} />
                <input type="hidden" name="name" value={a.name} />
                <SubmitButton variant="secondary" pendingText="Removing…">
                  <span>
                    Remove access<span className="sr-only"> for {a.name}</span>
                  </span>
                </SubmitButton>
              </form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
