"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { revokeConnectedApp } from "@/lib/oidc/grants";

export const revokeConnectedAppAction = userAction(z.object({ clientId: z.string().min(1).max(200), name: z.string().max(200).optional() }), async (data, { user }) => {
  await revokeConnectedApp(user.id, data.clientId);
  revalidatePath("/account/security");
  return { ok: true, message: `${data.name ?? "The app"} no longer has access to your account.` };
});
