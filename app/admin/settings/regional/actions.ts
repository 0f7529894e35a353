"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAction, admin } from "@/lib/action";
import { isCountryCode } from "@/lib/phone/parse";
import { updateSettings } from "@/lib/settings";

export const saveRegionalSettings = createAction().use(admin).schema(z.object({ defaultCountry: z.string().trim().toUpperCase().refine(isCountryCode, "Choose a country from the list.") }))
  .run(async (data, { user }) => {
    await updateSettings("regional", data, user.id);
    revalidatePath("/admin/settings/regional");
    return { ok: true, message: "Settings saved." };
  });
