"use client";
import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/submit-button";
import { accountRightsAction, accountStatusAction } from "./actions";

export function AccountRowActions(props: {
  userId: string;
  email: string;
  status: "active" | "pending" | "blocked";
  canChangePassword: boolean;
  canReceiveSms: boolean;
  twoFactorWeb: boolean;
  twoFactorManager: boolean;
  isAdmin: boolean;
  isSelf: boolean;
}) {
  const [statusState, statusAction] = useActionState(accountStatusAction, null);
  const [rightsState, rightsAction] = useActionState(accountRightsAction, null);
  const msg = statusState?.message ?? rightsState?.message;
  const failed = (statusState && !statusState.ok) || (rightsState && !rightsState.ok);
  return (
    <div className="space-y-2">
      <form action={statusAction} className="flex flex-wrap gap-2">
        <input type="hidden" name="userId" value={props.userId} />
        {props.status === "pending" ? (
          <SubmitButton name="op" value="activate">
            Activate
          </SubmitButton>
        ) : null}
        {props.status === "blocked" ? (
          <SubmitButton name="op" value="unblock" variant="secondary">
            Unblock
          </SubmitButton>
        ) : !props.isSelf ? (
          <SubmitButton name="op" value="block" variant="danger">
            Block
          </SubmitButton>
        ) : null}
      </form>
      <form action={rightsAction} className="flex flex-wrap items-center gap-3 text-xs">
        <input type="hidden" name="userId" value={props.userId} />
        <label className="flex items-center gap-1">
          <input type="checkbox" name="canChangePassword" defaultChecked={props.canChangePassword} />
          Can change password
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="canReceiveSms" defaultChecked={props.canReceiveSms} />
          Can receive SMS
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="twoFactorWeb" defaultChecked={props.twoFactorWeb} />
          2FA in Web app
        </label>
        {props.isAdmin ? (
          <label className="flex items-center gap-1">
            <input type="checkbox" name="twoFactorManager" defaultChecked={props.twoFactorManager} />
            2FA in Manager app
          </label>
        ) : null}
        <button type="submit" className="rounded border border-slate-300 px-2 py-1 font-medium hover:bg-slate-100" aria-label={`Save rights for ${props.email}`}>
          Save rights
        </button>
      </form>
      {msg ? (
        <p role={failed ? "alert" : "status"} className={`text-xs ${failed ? "text-red-700" : "text-green-800"}`}>
          {msg}
        </p>
      ) : null}
    </div>
  );
}
