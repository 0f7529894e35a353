"use server";
import { revalidatePath } from "next/cache";
import { createAction, admin } from "@/lib/action";
import { pendingPermissionsSchema, updateSettings } from "@/lib/settings";

// Unticked checkboxes are absent from the form data: no defaults here, absence means "not allowed".
const formSchema = pendingPermissionsSchema.extend(
  Object.fromEntries(Object.entries(pendingPermissionsSchema.shape).map(([k, v]) => [k, v.removeDefault()])) as {
    [K in keyof typeof pendingPermissionsSchema.shape]: ReturnType<(typeof pendingPermissionsSchema.shape)[K]["removeDefault"]>;
  },
);

export const savePendingPermissions = createAction()
  .use(admin)
  .schema(formSchema)
  .run(async (data, { user }) => {
    await updateSettings("pendingPermissions", data, user.id);
    revalidatePath("/admin/settings/permissions");
    return { ok: true, message: "Settings saved." };
  });
