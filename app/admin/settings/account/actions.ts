"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAction, admin } from "@/lib/action";
import { accountSettingsSchema, getSettings, updateSettings } from "@/lib/settings";
import { ErrorCodes, UserError } from "@/lib/shared/errors";

// Checkboxes are absent from FormData when unticked: the schema's preprocess turns absence into false.
const formSchema = accountSettingsSchema.omit({ profileTypes: true }).extend({
  automaticActivation: accountSettingsSchema.shape.automaticActivation.removeDefault(),
  activationLetter: accountSettingsSchema.shape.activationLetter.removeDefault(),
  automaticProfileCreation: accountSettingsSchema.shape.automaticProfileCreation.removeDefault(),
});

export const saveAccountSettings = createAction()
  .use(admin)
  .schema(formSchema)
  .run(async (data, { user }) => {
    const current = await getSettings("account");
    if (!current.profileTypes.includes(data.defaultProfileType)) {
      throw new UserError(ErrorCodes.INVALID_INPUT, "Choose one of the profile types.", "defaultProfileType");
    }
    await updateSettings("account", { ...current, ...data }, user.id);
    revalidatePath("/admin/settings/account");
    return { ok: true, message: "Settings saved." };
  });

const PROFILE_TYPES_MAX = 20;

// A5: the admin-editable list of profile types, one per line.
export const saveProfileTypes = createAction()
  .use(admin)
  .schema(
    z.object({
      profileTypes: z
        .string()
        .max(PROFILE_TYPES_MAX * 70, "The list is too long.")
        .transform((v) => [
          ...new Set(
            v
              .split(/\r?\n/)
              .map((t) => t.trim())
              .filter(Boolean),
          ),
        ])
        .pipe(
          z
            .array(z.string().max(60, "Use at most 60 characters for each type."))
            .min(1, "Enter at least one profile type.")
            .max(PROFILE_TYPES_MAX, `Use at most ${PROFILE_TYPES_MAX} profile types.`),
        ),
    }),
  )
  .run(async (data, { user }) => {
    const current = await getSettings("account");
    if (!data.profileTypes.includes(current.defaultProfileType)) {
      throw new UserError(
        ErrorCodes.INVALID_INPUT,
        `Keep "${current.defaultProfileType}" in the list: it is the default profile type. Choose another default first.`,
        "profileTypes",
      );
    }
    await updateSettings("account", { ...current, profileTypes: data.profileTypes }, user.id);
    revalidatePath("/admin/settings/account");
    return { ok: true, message: "Profile types saved." };
  });
