"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/lib/action";
import { isCountryCode } from "@/lib/phone/parse";
import { updateSettings } from "@/lib/settings";

export const saveRegionalSettings = adminAction(
  z.object({ defaultCountry: z.string().trim().toUpperCase().refine(isCountryCode, "Choose a country from the list.") }),
  async (data, { user }) => {
    await updateSettings("regional", data, user.id);
    revalidatePath("/admin/settings/regional");
    return { ok: true, message: "Settings saved." };
  },
);
