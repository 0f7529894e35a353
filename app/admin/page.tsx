import Link from "next/link";
import { requireAdmin } from "@/lib/auth/guards";
import { accountsByStatus, lastDays, signInsPerDay, smsPerDay } from "@/lib/accounts/overview";
import { getSettings } from "@/lib/settings";
import { BarChart } from "@/components/charts/bar-chart";

export const metadata = { title: "Overview" };

const DAYS = 14;
const short = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const label = (day: string) => short.format(new Date(`${day}T00:00:00Z`));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

// The Manager's home: how the site is doing at a glance, drawn on the server.
export default async function AdminHome() {
  await requireAdmin();
  const days = lastDays(DAYS);
  const [status, signIns, sms, { globalDaily }] = await Promise.all([accountsByStatus(), signInsPerDay(days), smsPerDay(days), getSettings("sms")]);
  const total = status.active + status.pending + status.blocked;
  const labels = days.map(label);
  const smsToday = sms.at(-1) ?? 0;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Overview</h1>
      <section aria-labelledby="status-h" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="status-h" className="text-base font-semibold">
          Accounts by status
        </h2>
        <p className="mt-1 text-sm text-slate-600">{total === 1 ? "1 account" : `${total} accounts`} in all.</p>
        <dl className="mt-3 grid gap-3 sm:grid-cols-3">
          {(
            [
              ["active", "Active", "bg-green-600"],
              ["pending", "Pending", "bg-amber-500"],
              ["blocked", "Blocked", "bg-red-500"],
            ] as const
          ).map(([key, name, bar]) => (
            <div key={key} className="rounded-md border border-slate-200 p-3">
              <dt className="text-sm text-slate-700">
                <Link href={`/admin/accounts?status=${key}`} className="underline-offset-2 hover:underline">
                  {name}
                </Link>
              </dt>
              <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid={`count-${key}`}>
                {status[key]}
              </dd>
              <div className="mt-2 h-1.5 rounded-full bg-slate-100" aria-hidden="true">
                <div className={`h-1.5 rounded-full ${bar} ${WIDTH[Math.round((status[key] / Math.max(1, total)) * 10)]}`} />
              </div>
            </div>
          ))}
        </dl>
      </section>
      <div className="grid gap-6 xl:grid-cols-2">
        <BarChart
          id="signins"
          title={`Sign-ins, last ${DAYS} days (UTC)`}
          summary={`${sum(signIns.succeeded)} sign-ins and ${sum(signIns.failed)} failed sign-ins in the last ${DAYS} days; today ${signIns.succeeded.at(-1) ?? 0} and ${signIns.failed.at(-1) ?? 0}.`}
          labels={labels}
          series={[
            { label: "Sign-ins", values: signIns.succeeded, tone: "brand" },
            { label: "Failed sign-ins", values: signIns.failed, tone: "red" },
          ]}
        />
        <BarChart
          id="sms"
          title={`SMS sent, last ${DAYS} days (UTC)`}
          summary={`${sum(sms)} SMS codes sent in the last ${DAYS} days; today ${smsToday} of the daily budget of ${globalDaily}.`}
          labels={labels}
          series={[{ label: "SMS sent", values: sms, tone: "amber" }]}
          limit={{ value: globalDaily, label: `Daily budget (${globalDaily})` }}
        />
      </div>
    </div>
  );
}

// Bar widths in tenths, spelled out so the stylesheet has them (no inline styles under the CSP).
const WIDTH = ["w-0", "w-1/10", "w-2/10", "w-3/10", "w-4/10", "w-5/10", "w-6/10", "w-7/10", "w-8/10", "w-9/10", "w-full"];
