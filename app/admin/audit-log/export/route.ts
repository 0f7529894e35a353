import { currentSession } from "@/lib/auth/current";
import { listAudit } from "@/lib/audit";
import { actionLabel } from "@/lib/audit/actions";
import { auditFilterSchema, describeAudit } from "@/lib/audit/view";
import { loadPolicy, managerStepUpNeeded } from "@/lib/factors/policy";

export const dynamic = "force-dynamic";

const cell = (v: string) => {
  // Quote every cell; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
};

// GET /admin/audit-log/export?user=&action=&from=&to= — the filtered audit log as CSV.
export async function GET(request: Request) {
  const c = await currentSession();
  if (!c || !c.user.isAdmin || managerStepUpNeeded(c.user, await loadPolicy(), c.session.secondFactorAt)) {
    return new Response("Not found", { status: 404 });
  }
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = auditFilterSchema.safeParse(params);
  if (!parsed.success) return new Response(parsed.error.issues[0]!.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const filter = parsed.data;
  const rows = await listAudit({ ...filter, limit: 10_000 });
  // The page's columns, then what a spreadsheet needs to filter on: the action's name and the IP.
  const lines = [["User", "Account affected", "Action", "Time", "Details", "Action name", "IP"].map(cell).join(",")];
  for (const r of rows) {
    lines.push(
      [r.actorLabel, r.accountLabel, actionLabel(r.action, r.detail), r.createdAt.toISOString(), describeAudit(r.detail), r.action, r.ip ?? ""]
        .map(cell)
        .join(","),
    );
  }
  return new Response(lines.join("\r\n") + "\r\n", {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="latchkey-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
