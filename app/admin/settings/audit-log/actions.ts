"use server";
import { revalidatePath } from "next/cache";
import { createAction, admin } from "@/lib/action";
import { auditRetentionSchema, updateAuditRetention } from "@/lib/audit/retention";

export const saveAuditRetention = createAction()
  .use(admin)
  .schema(auditRetentionSchema)
  .run(async (data, { user }) => {
    await updateAuditRetention(data, user.id);
    revalidatePath("/admin/settings/audit-log");
    return { ok: true, message: "Settings saved." };
  });
