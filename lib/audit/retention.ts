import "server-only";
// How long the audit log keeps its entries: an admin setting (settings row "auditLog"), used by the
// daily job (lib/housekeeping.ts) to delete older entries.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/lib/db";
import { settings } from "@/db/schema";
import { audit } from "@/lib/audit";
import { blankAsMissing } from "@/lib/settings";

export const SETTINGS_KEY = "auditLog";
export const DEFAULT_AUDIT_RETENTION_DAYS = 365;

export const auditRetentionSchema = z.object({
  retentionDays: blankAsMissing(
    z.coerce
      .number({ error: "Enter a number of days." })
      .int("Enter a whole number of days.")
      .min(30, "Keep entries for at least 30 days.")
      .max(3650, "Use at most 3,650 days (10 years)."),
  ).default(DEFAULT_AUDIT_RETENTION_DAYS),
});
export type AuditRetention = z.infer<typeof auditRetentionSchema>;

/** The stored setting merged over its default; a stored value that no longer validates gives the default. */
export async function getAuditRetention(): Promise<AuditRetention> {
  const rows = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, SETTINGS_KEY));
  const parsed = auditRetentionSchema.safeParse(rows[0]?.value ?? {});
  return parsed.success ? parsed.data : auditRetentionSchema.parse({});
}

/** Validates and stores the setting, with an audit entry when it changes. */
export async function updateAuditRetention(input: unknown, actorId: string | null): Promise<AuditRetention> {
  const value = auditRetentionSchema.parse(input);
  const old = await getAuditRetention();
  await db
    .insert(settings)
    .values({ key: SETTINGS_KEY, value, updatedBy: actorId })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date(), updatedBy: actorId } });
  if (old.retentionDays !== value.retentionDays) {
    await audit({
      action: "settings.changed",
      actorId,
      detail: { section: SETTINGS_KEY, changes: { retentionDays: { from: old.retentionDays, to: value.retentionDays } } },
    });
  }
  return value;
}
