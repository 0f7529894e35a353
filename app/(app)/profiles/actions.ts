"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { createProfile, deleteProfile, profileNameSchema, profileTypeSchema, updateProfile } from "@/lib/profiles";

const profileId = z.string().min(1).max(64);

export const createProfileAction = userAction(z.object({ name: profileNameSchema, type: profileTypeSchema }), async (data, { user }) => {
  const created = await createProfile(user.id, data);
  revalidatePath("/profiles");
  return { ok: true, message: `Profile "${created.name}" created.` };
});

export const updateProfileAction = userAction(z.object({ profileId, name: profileNameSchema, type: profileTypeSchema }), async (data, { user }) => {
  const updated = await updateProfile(user.id, data.profileId, data);
  revalidatePath("/profiles");
  return { ok: true, message: `Profile "${updated.name}" saved.` };
});

export const deleteProfileAction = userAction(z.object({ profileId }), async (data, { user }) => {
  const done = await deleteProfile(user.id, data.profileId);
  revalidatePath("/profiles");
  return { ok: true, message: done ? "Profile deleted." : "That profile was already deleted." };
});
