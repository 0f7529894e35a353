"use client";
import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/submit-button";
import { accountBlockingDateAction, accountRightsAction, accountStatusAction } from "./actions";

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
  /** YYYY-MM-DD, when a blocking date is scheduled. */
  blockOn: string | null;
  /** Today (UTC, YYYY-MM-DD): the earliest date the picker offers. */
  today: string;
}) {
  const [statusState, statusAction] = useActionState(accountStatusAction, null);
  const [rightsState, rightsAction] = useActionState(accountRightsAction, null);
  const [dateState, dateAction] = useActionState(accountBlockingDateAction, null);
  const dateError = dateState && !dateState.ok ? (dateState.fieldErrors?.blockOn ?? dateState.message) : undefined;
  const dateValue = dateState && !dateState.ok ? dateState.values?.blockOn : undefined;
  const dateId = `block-on-${props.userId}`;
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
      {!props.isSelf ? (
        <form action={dateAction} className="flex flex-wrap items-end gap-2 text-xs" noValidate key={`${props.blockOn}-${dateValue ?? ""}-${dateState?.ok ?? ""}`}>
          <input type="hidden" name="userId" value={props.userId} />
          <div>
            <label htmlFor={dateId} className="block font-medium">
              Blocking date
            </label>
            <input
              id={dateId}
              name="blockOn"
              type="date"
              min={props.today}
              defaultValue={dateValue ?? props.blockOn ?? ""}
              aria-invalid={dateError ? true : undefined}
              aria-describedby={dateError ? `${dateId}-error` : undefined}
              className={`rounded border px-2 py-1 ${dateError ? "border-red-600" : "border-slate-300"}`}
            />
          </div>
          <button type="submit" name="op" value="set" className="rounded border border-slate-300 px-2 py-1 font-medium hover:bg-slate-100">
            Set date<span className="sr-only"> for {props.email}</span>
          </button>
          {props.blockOn ? (
            <button type="submit" name="op" value="clear" className="rounded border border-slate-300 px-2 py-1 font-medium hover:bg-slate-100">
              Clear date<span className="sr-only"> for {props.email}</span>
            </button>
          ) : null}
          {dateError ? (
            <p id={`${dateId}-error`} role="alert" className="w-full text-red-700">
              {dateError}
            </p>
          ) : dateState?.ok && dateState.message ? (
            <p role="status" className="w-full text-green-800">
              {dateState.message}
            </p>
          ) : null}
        </form>
      ) : null}
      {msg ? (
        <p role={failed ? "alert" : "status"} className={`text-xs ${failed ? "text-red-700" : "text-green-800"}`}>
          {msg}
        </p>
      ) : null}
    </div>
  );
}
