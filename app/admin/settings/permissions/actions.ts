"use server";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/action";
import { pendingPermissionsSchema, updateSettings } from "@/lib/settings";

// Unticked checkboxes are absent from the form data: no defaults here, absence means "not allowed".
const formSchema = pendingPermissionsSchema.extend(
  Object.fromEntries(Object.entries(pendingPermissionsSchema.shape).map(([k, v]) => [k, v.removeDefault()])) as {
    [K in keyof typeof pendingPermissionsSchema.shape]: ReturnType<(typeof pendingPermissionsSchema.shape)[K]["removeDefault"]>;
  },
);

export const savePendingPermissions = adminAction(formSchema, async (data, { user }) => {
  await updateSettings("pendingPermissions", data, user.id);
  revalidatePath("/admin/settings/permissions");
  return { ok: true, message: "Settings saved." };
});
