"use client";
// One account's "Manage" panel in the Manager's list: activation, rights and two-step switches, the
// blocking date, and Block (behind a confirmation). A <details> element: it opens without JavaScript.
import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/submit-button";
import { accountBlockingDateAction, accountRightsAction, accountStatusAction } from "./actions";

const small = "inline-flex min-h-9 items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100";
const heading = "text-xs font-semibold uppercase tracking-wide text-slate-600";

export function ManagePanel(props: {
  userId: string;
  name: string;
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
    <>
      <details className="group mt-3 md:mt-0" data-testid="manage">
        <summary className={`${small} w-fit cursor-pointer list-none gap-1.5 md:absolute md:right-4 md:top-4 [&::-webkit-details-marker]:hidden`}>
          Manage<span className="sr-only"> {props.email}</span>
          <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4 transition-transform group-open:rotate-180" fill="currentColor">
            <path d="M5.3 7.3a1 1 0 0 1 1.4 0L10 10.6l3.3-3.3a1 1 0 1 1 1.4 1.4l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 0 1 0-1.4z" />
          </svg>
        </summary>
        <div className="mt-3 grid gap-4 rounded-lg border border-slate-200 bg-slate-50 p-4 lg:grid-cols-2">
          <form action={rightsAction} className="space-y-2">
            <input type="hidden" name="userId" value={props.userId} />
            <fieldset className="space-y-2">
              <legend className={heading}>Rights and two-step verification</legend>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="canChangePassword" defaultChecked={props.canChangePassword} className="h-4 w-4" />
                Can change password
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="canReceiveSms" defaultChecked={props.canReceiveSms} className="h-4 w-4" />
                Can receive SMS
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="twoFactorWeb" defaultChecked={props.twoFactorWeb} className="h-4 w-4" />
                2FA in Web app
              </label>
              {props.isAdmin ? (
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="twoFactorManager" defaultChecked={props.twoFactorManager} className="h-4 w-4" />
                  2FA in Manager app
                </label>
              ) : null}
            </fieldset>
            <button type="submit" className={small} aria-label={`Save rights for ${props.email}`}>
              Save rights
            </button>
          </form>
          <div className="space-y-4">
            {props.status !== "active" ? (
              <form action={statusAction} className="space-y-2">
                <input type="hidden" name="userId" value={props.userId} />
                <p className={heading}>{props.status === "pending" ? "Activation" : "Blocked"}</p>
                {props.status === "pending" ? (
                  <>
                    <p className="text-sm text-slate-700">This account is waiting for activation.</p>
                    <SubmitButton name="op" value="activate">
                      Activate
                    </SubmitButton>
                  </>
                ) : (
                  <>
                    <p className="text-sm text-slate-700">This account cannot sign in.</p>
                    <SubmitButton name="op" value="unblock" variant="secondary">
                      Unblock
                    </SubmitButton>
                  </>
                )}
              </form>
            ) : null}
            {!props.isSelf ? (
              <form action={dateAction} className="space-y-2" noValidate key={`${props.blockOn}-${dateValue ?? ""}-${dateState?.ok ?? ""}`}>
                <input type="hidden" name="userId" value={props.userId} />
                <div>
                  <label htmlFor={dateId} className={`block ${heading}`}>
                    Blocking date
                  </label>
                  <p id={`${dateId}-hint`} className="text-xs text-slate-600">
                    From this day (UTC) on, the account is blocked.
                  </p>
                </div>
                <div className="flex flex-wrap items-center gap-2">
                  <input
                    id={dateId}
                    name="blockOn"
                    type="date"
                    min={props.today}
                    defaultValue={dateValue ?? props.blockOn ?? ""}
                    aria-invalid={dateError ? true : undefined}
                    aria-describedby={[`${dateId}-hint`, dateError ? `${dateId}-error` : ""].filter(Boolean).join(" ")}
                    className={`h-9 rounded-md border bg-white px-2 text-sm ${dateError ? "border-red-600" : "border-slate-300"}`}
                  />
                  <button type="submit" name="op" value="set" className={small}>
                    Set date<span className="sr-only"> for {props.email}</span>
                  </button>
                  {props.blockOn ? (
                    <button type="submit" name="op" value="clear" className={small}>
                      Clear date<span className="sr-only"> for {props.email}</span>
                    </button>
                  ) : null}
                </div>
                {dateError ? (
                  <p id={`${dateId}-error`} role="alert" className="text-sm text-red-700">
                    {dateError}
                  </p>
                ) : dateState?.ok && dateState.message ? (
                  <p role="status" className="text-sm text-green-800">
                    {dateState.message}
                  </p>
                ) : null}
              </form>
            ) : null}
            {props.status !== "blocked" && !props.isSelf ? (
              <details className="group/block">
                <summary className="inline-flex min-h-9 w-fit cursor-pointer list-none items-center rounded-md border border-red-700 px-3 py-1.5 text-sm font-semibold text-red-700 hover:bg-red-50 dark:border-red-400 dark:text-red-300 [&::-webkit-details-marker]:hidden">
                  Block<span className="sr-only"> {props.email}</span>…
                </summary>
                <form action={statusAction} className="mt-2 space-y-2 rounded-md border border-red-300 bg-red-50 p-3">
                  <input type="hidden" name="userId" value={props.userId} />
                  <p className="text-sm text-red-900">
                    Block <strong className="[overflow-wrap:anywhere]">{props.name}</strong> now? They are signed out everywhere and cannot sign in until
                    unblocked.
                  </p>
                  <SubmitButton name="op" value="block" variant="danger">
                    Block account
                  </SubmitButton>
                </form>
              </details>
            ) : null}
          </div>
        </div>
      </details>
      {msg ? (
        <p role={failed ? "alert" : "status"} className={`mt-2 text-sm ${failed ? "text-red-700" : "text-green-800"}`}>
          {msg}
        </p>
      ) : null}
    </>
  );
}
