"use server";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/action";
import { accountSettingsSchema, getSettings, updateSettings } from "@/lib/settings";
import { ErrorCodes, UserError } from "@/lib/errors";

// Checkboxes are absent from FormData when unticked: the schema's preprocess turns absence into false.
const formSchema = accountSettingsSchema.omit({ profileTypes: true }).extend({
  automaticActivation: accountSettingsSchema.shape.automaticActivation.removeDefault(),
  activationLetter: accountSettingsSchema.shape.activationLetter.removeDefault(),
  enable2fa: accountSettingsSchema.shape.enable2fa.removeDefault(),
  automaticProfileCreation: accountSettingsSchema.shape.automaticProfileCreation.removeDefault(),
});

export const saveAccountSettings = adminAction(formSchema, async (data, { user }) => {
  const current = await getSettings("account");
  if (!current.profileTypes.includes(data.defaultProfileType)) {
    throw new UserError(ErrorCodes.INVALID_INPUT, "Choose one of the profile types.", "defaultProfileType");
  }
  await updateSettings("account", { ...current, ...data }, user.id);
  revalidatePath("/admin/settings/account");
  return { ok: true, message: "Settings saved." };
});
