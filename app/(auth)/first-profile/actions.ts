"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { createAction, signedIn } from "@/lib/action";
import { createProfile, profileNameSchema, profileTypeSchema } from "@/lib/profiles";

export const createFirstProfileAction = createAction()
  .use(signedIn)
  .schema(z.object({ name: profileNameSchema, type: profileTypeSchema }))
  .run(async (data, { user }) => {
    await createProfile(user.id, data);
    redirect("/dashboard");
  });
