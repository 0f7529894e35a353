"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAction, signedIn } from "@/lib/action";
import { revokeConnectedApp } from "@/lib/oidc/grants";

export const revokeConnectedAppAction = createAction()
  .use(signedIn)
  .schema(z.object({ clientId: z.string().min(1).max(200), name: z.string().max(200).optional() }))
  .run(async (data, { user }) => {
    await revokeConnectedApp(user.id, data.clientId);
    revalidatePath("/account/security");
    return { ok: true, message: `${data.name ?? "The app"} no longer has access to your account.` };
  });
