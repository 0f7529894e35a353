"use client";
import { useActionState } from "react";
import { FormMessage } from "@/components/ui/form-message";
import { SubmitButton } from "@/components/ui/submit-button";
import { endOtherSessionsAction, endSessionAction } from "./actions";

export type SessionRow = { id: string; device: string; lastActive: string; created: string; current: boolean };

export function SessionsList({ sessions }: { sessions: SessionRow[] }) {
  const [state, endOne] = useActionState(endSessionAction, null);
  const [othersState, endOthers] = useActionState(endOtherSessionsAction, null);
  return (
    <div className="space-y-4">
      <FormMessage state={state?.message ? state : othersState} />
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" aria-label="Active sessions">
        {sessions.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
            <div>
              <p className="font-medium">
                {s.device} {s.current ? <span className="ml-2 rounded bg-green-100 px-2 py-0.5 text-xs text-green-900">This device</span> : null}
              </p>
              <p className="text-xs text-slate-600">
                Last active {s.lastActive} · signed in {s.created}
              </p>
            </div>
            {!s.current ? (
              <form action={endOne}>
                <input type="hidden" name="sessionId" value={s.id} />
                <SubmitButton variant="secondary">Sign out</SubmitButton>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
      {sessions.length > 1 ? (
        <form action={endOthers}>
          <SubmitButton variant="danger" pendingText="Signing out…">
            Sign out of all other sessions
          </SubmitButton>
        </form>
      ) : null}
    </div>
  );
}
