"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { checkbox } from "@/lib/shared/form-schemas";
import { createAction, admin } from "@/lib/action";
import { getSettings, TRUSTED_DEVICE_DURATIONS, TWO_FACTOR_METHODS, TWO_FACTOR_REQUIRE_FOR, updateSettings } from "@/lib/settings";

const methods = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.enum(TWO_FACTOR_METHODS)).min(1, "Allow at least one method."),
);

export const saveGeneralAction = createAction()
  .use(admin)
  .schema(
    z.object({
      enable2fa: checkbox,
      requireFor: z.enum(TWO_FACTOR_REQUIRE_FOR, { error: "Choose who must use two-step verification." }),
      allowedMethods: methods,
      deliveryPolicy: z.enum(["sms_then_email", "email_only"], { error: "Choose a delivery policy." }),
      trustedDeviceDuration: z.enum(TRUSTED_DEVICE_DURATIONS, { error: "Choose how long a device is remembered." }),
      contactName: z.string().trim().max(100, "Use at most 100 characters."),
      contactEmail: z.union([z.literal(""), z.string().trim().max(254, "This email address is too long.").email("Enter a valid email address.")]),
      contactPhone: z.string().trim().max(40, "Use at most 40 characters."),
    }),
  )
  .run(async (d, { user }) => {
    const current = await getSettings("twoFactor");
    await updateSettings("twoFactor", { ...current, ...d }, user.id);
    revalidatePath("/admin/settings/two-factor");
    return { ok: true, message: "Settings saved." };
  });

export const saveDefaultsAction = createAction()
  .use(admin)
  .schema(z.object({ defaultWeb: checkbox, defaultManager: checkbox, defaultMethod: z.enum(TWO_FACTOR_METHODS, { error: "Choose a default method." }) }))
  .run(async (d, { user }) => {
    const current = await getSettings("twoFactor");
    await updateSettings("twoFactor", { ...current, ...d }, user.id);
    revalidatePath("/admin/settings/two-factor");
    return { ok: true, message: "Default settings saved." };
  });
