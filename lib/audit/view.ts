// Parsing audit-log filters and turning entry details into words (shared by the page and the CSV export).
import { z } from "zod";
import { isAuditAction } from "@/lib/audit/actions";
import { searchText } from "@/lib/shared/text-input";

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);

export const auditFilterSchema = z
  .object({
    // A user filter with characters no search can hold is an error shown beside the field.
    user: searchText(100),
    // One of the known actions (the filter is a list); anything else is ignored.
    action: z.string().trim().max(100).refine(isAuditAction).optional().catch(undefined),
    from: day,
    to: day,
  })
  .transform((f) => ({
    user: f.user || undefined,
    action: f.action || undefined,
    from: f.from ? new Date(`${f.from}T00:00:00Z`) : undefined,
    to: f.to ? new Date(`${f.to}T23:59:59.999Z`) : undefined,
  }));

/** "confirmationMode: email → both; app: web" */
export function describeAudit(detail: unknown): string {
  if (!detail || typeof detail !== "object") return "";
  const d = detail as Record<string, unknown>;
  if (d.changes && typeof d.changes === "object") {
    const parts = Object.entries(d.changes as Record<string, { from: unknown; to: unknown }>).map(
      ([k, v]) => `${k}: ${JSON.stringify(v.from)} → ${JSON.stringify(v.to)}`,
    );
    return [d.section ? `${d.section}` : "", ...parts].filter(Boolean).join("; ");
  }
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join("; ");
}
