"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAction, signedIn } from "@/lib/action";
import { createProfile, deleteProfile, profileNameSchema, profileTypeSchema, updateProfile } from "@/lib/profiles";

const profileId = z.string().min(1).max(64);

export const createProfileAction = createAction()
  .use(signedIn)
  .schema(z.object({ name: profileNameSchema, type: profileTypeSchema }))
  .run(async (data, { user }) => {
    const created = await createProfile(user.id, data);
    revalidatePath("/profiles");
    return { ok: true, message: `Profile "${created.name}" created.` };
  });

export const updateProfileAction = createAction()
  .use(signedIn)
  .schema(z.object({ profileId, name: profileNameSchema, type: profileTypeSchema }))
  .run(async (data, { user }) => {
    const updated = await updateProfile(user.id, data.profileId, data);
    revalidatePath("/profiles");
    return { ok: true, message: `Profile "${updated.name}" saved.` };
  });

export const deleteProfileAction = createAction()
  .use(signedIn)
  .schema(z.object({ profileId }))
  .run(async (data, { user }) => {
    const done = await deleteProfile(user.id, data.profileId);
    revalidatePath("/profiles");
    return { ok: true, message: done ? "Profile deleted." : "That profile was already deleted." };
  });
