"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createAction, signedIn, type ActionResult } from "@/lib/action";
import { checkApiToken, createApiToken, revokeApiToken, tokenNameSchema } from "@/lib/api-tokens";
import { formatDay } from "@/lib/shared/format";

const tokenId = z.string().min(1).max(64);

export const createTokenAction = createAction()
  .use(signedIn)
  .schema(z.object({ name: tokenNameSchema }))
  .run(async (data, { user }): Promise<ActionResult<{ token: string }>> => {
    const { token, row } = await createApiToken(user.id, data.name);
    revalidatePath("/account/tokens");
    // The secret goes back once, in this answer only; it is not stored anywhere readable.
    return { ok: true, message: `Token "${row.name}" created. Copy it now: it will not be shown again.`, data: { token } };
  });

export const checkTokenAction = createAction()
  .use(signedIn)
  .schema(z.object({ tokenId }))
  .run(async (data, { user }) => {
    const t = await checkApiToken(user.id, data.tokenId);
    revalidatePath("/account/tokens");
    const message =
      t.status === "active"
        ? `Active: valid until ${formatDay(t.expiresAt)}.`
        : t.status === "expired"
          ? `Expired on ${formatDay(t.expiresAt)}.`
          : `Revoked on ${formatDay(t.revokedAt!)}.`;
    return { ok: true, message };
  });

export const revokeTokenAction = createAction()
  .use(signedIn)
  .schema(z.object({ tokenId }))
  .run(async (data, { user }) => {
    const done = await revokeApiToken(user.id, data.tokenId);
    revalidatePath("/account/tokens");
    return { ok: true, message: done ? "Token revoked." : "That token was already revoked." };
  });
