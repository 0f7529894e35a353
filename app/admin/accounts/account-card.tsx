// One account in the Manager's list: who it is, its status and confirmations as badges, its last
// activity, and its Manage panel.
import type { listAccounts } from "@/lib/accounts/admin";
import { blockingDateReached, formatDay } from "@/lib/blocking";
import { formatDateTime } from "@/lib/shared/format";
import { Badge, Check } from "@/components/ui/badge";
import { ManagePanel } from "./manage-panel";

export type AccountRow = Awaited<ReturnType<typeof listAccounts>>["rows"][number];

const STATUS_LABEL = { active: "Active", pending: "Pending", blocked: "Blocked" } as const;
const STATUS_TONE = { active: "green", pending: "amber", blocked: "red" } as const;

export function AccountCard({ account, online, isSelf, today }: { account: AccountRow; online: boolean; isSelf: boolean; today: string }) {
  return (
    <li data-email={account.email ?? ""} className="relative p-4 md:pr-36">
      <div className="grid gap-3 md:grid-cols-[minmax(0,5fr)_minmax(0,4fr)_minmax(0,3fr)]">
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2 font-medium">
            <span className="min-w-0 [overflow-wrap:anywhere]">{account.name}</span>
            {account.isAdmin ? <Badge tone="blue">admin</Badge> : null}
          </p>
          <p className="text-sm text-slate-600 [overflow-wrap:anywhere]">{account.email ?? "no email"}</p>
          {account.phone ? <p className="text-sm text-slate-600">{account.phone}</p> : null}
        </div>
        <div className="min-w-0 space-y-1">
          <p className="flex flex-wrap gap-1.5">
            <Badge tone={STATUS_TONE[account.status]} testId="status">
              {STATUS_LABEL[account.status]}
            </Badge>
            {account.email ? account.emailVerifiedAt ? <Check label="Email" /> : <Badge>Email not confirmed</Badge> : null}
            {account.phone ? account.phoneVerifiedAt ? <Check label="Phone" /> : <Badge>Phone not confirmed</Badge> : null}
          </p>
          {account.blockOn ? (
            <p className="text-xs text-slate-700" data-testid="blocking-date">
              {blockingDateReached(account) ? "Blocked since" : "Blocks on"} {formatDay(account.blockOn)}
            </p>
          ) : null}
        </div>
        <div className="min-w-0 text-xs text-slate-700">
          <p className="font-medium text-slate-600">Last activity</p>
          <p className="flex flex-wrap items-center gap-1.5">
            {online ? (
              <Badge tone="green">
                <span aria-hidden="true">●</span> online
              </Badge>
            ) : null}
            {account.lastActiveAt ? <time dateTime={account.lastActiveAt.toISOString()}>{formatDateTime(account.lastActiveAt)}</time> : "never"}
          </p>
        </div>
      </div>
      <ManagePanel
        userId={account.id}
        name={account.name}
        email={account.email ?? account.name}
        status={account.status}
        canChangePassword={account.canChangePassword}
        canReceiveSms={account.canReceiveSms}
        twoFactorWeb={account.twoFactorWeb}
        twoFactorManager={account.twoFactorManager}
        isAdmin={account.isAdmin}
        isSelf={isSelf}
        blockOn={account.blockOn}
        today={today}
      />
    </li>
  );
}
