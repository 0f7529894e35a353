"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { createProfile, profileNameSchema, profileTypeSchema } from "@/lib/profiles";

export const createFirstProfileAction = userAction(z.object({ name: profileNameSchema, type: profileTypeSchema }), async (data, { user }) => {
  await createProfile(user.id, data);
  redirect("/dashboard");
});
