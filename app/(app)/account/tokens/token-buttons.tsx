"use client";
// A token's row buttons: Check (whether it is still valid, and until when) and Revoke.
import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/submit-button";
import { checkTokenAction, revokeTokenAction } from "./actions";

export function TokenButtons({ tokenId, name, revocable }: { tokenId: string; name: string; revocable: boolean }) {
  const [checkState, checkAction] = useActionState(checkTokenAction, null);
  const [revokeState, revokeAction] = useActionState(revokeTokenAction, null);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <form action={checkAction}>
          <input type="hidden" name="tokenId" value={tokenId} />
          <SubmitButton variant="secondary" pendingText="Checking…">
            Check<span className="sr-only"> token {name}</span>
          </SubmitButton>
        </form>
        {revocable ? (
          <form action={revokeAction}>
            <input type="hidden" name="tokenId" value={tokenId} />
            <SubmitButton variant="danger" pendingText="Revoking…">
              Revoke<span className="sr-only"> token {name}</span>
            </SubmitButton>
          </form>
        ) : null}
      </div>
      {[checkState, revokeState].map((st, i) =>
        st?.message ? (
          <p key={i} role={st.ok ? "status" : "alert"} className={`text-xs ${st.ok ? "text-slate-800" : "text-red-700"}`}>
            {st.message}
          </p>
        ) : null,
      )}
    </div>
  );
}
