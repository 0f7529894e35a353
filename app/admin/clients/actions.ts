"use server";
// The Manager app's Apps pages (OpenID Connect clients and signing keys).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { admin, createAction, type ActionResult } from "@/lib/action";
import { clientInputSchema, createClient, rotateClientSecret, SCOPES, setClientDisabled, updateClient } from "@/lib/oidc/clients";
import { ALGS, promoteNext, stageRotation } from "@/lib/oidc/keys";
import { resetProvider } from "@/lib/oidc/provider";

const clientId = z.string().min(1).max(200);

/** The form's fields as the lib expects them: one checkbox per scope becomes the list. */
const fromForm =
  (defaults: { type?: string } = {}) =>
  (f: unknown) => {
    const form = (f ?? {}) as Record<string, unknown>;
    return {
      name: form.name,
      type: form.type ?? defaults.type,
      redirectUris: form.redirectUris,
      postLogoutRedirectUris: form.postLogoutRedirectUris,
      allowedScopes: SCOPES.filter((s) => form[`scope_${s}`] === "on"),
      require2fa: form.require2fa,
      skipConsent: form.skipConsent,
      idTokenAlg: form.idTokenAlg,
    };
  };

/** A new app's id, and its secret shown once (confidential apps only). */
export type NewClient = { clientId: string; secret: string | null };

export const createClientAction = createAction()
  .use(admin)
  .schema(z.preprocess(fromForm(), clientInputSchema))
  .run(async (input, { user }): Promise<ActionResult<NewClient>> => {
    const { client, secret } = await createClient(input, user.id);
    revalidatePath("/admin/clients");
    // The secret goes back once, in this answer only; it is stored as an HMAC.
    return {
      ok: true,
      message: `"${client.name}" is registered.${secret ? " Copy its secret now: it will not be shown again." : ""}`,
      data: { clientId: client.id, secret: secret ?? null },
    };
  });

export const updateClientAction = createAction()
  .use(admin)
  .schema(
    z.preprocess(
      (f) => ({ ...fromForm({ type: "confidential" })(f), clientId: (f as { clientId?: unknown } | undefined)?.clientId }),
      clientInputSchema.and(z.object({ clientId })),
    ),
  )
  .run(async ({ clientId: id, ...input }, { user }) => {
    await updateClient(id, input, user.id);
    revalidatePath("/admin/clients");
    revalidatePath(`/admin/clients/${id}`);
    return { ok: true, message: "Changes saved." };
  });

export const rotateSecretAction = createAction()
  .use(admin)
  .schema(z.object({ clientId }))
  .run(async (data, { user }): Promise<ActionResult<{ secret: string }>> => {
    const secret = await rotateClientSecret(data.clientId, user.id);
    revalidatePath(`/admin/clients/${data.clientId}`);
    return { ok: true, message: "New secret made; the old one no longer works. Copy it now: it will not be shown again.", data: { secret } };
  });

export const setClientStatusAction = createAction()
  .use(admin)
  .schema(z.object({ clientId, op: z.enum(["disable", "enable"]) }))
  .run(async (data, { user }) => {
    await setClientDisabled(data.clientId, data.op === "disable", user.id);
    revalidatePath("/admin/clients");
    revalidatePath(`/admin/clients/${data.clientId}`);
    return { ok: true, message: data.op === "disable" ? "App disabled: its sign-ins and tokens ended." : "App enabled." };
  });

export const keyAction = createAction()
  .use(admin)
  .schema(z.object({ alg: z.enum(ALGS), op: z.enum(["publish", "activate"]) }))
  .run(async (data, { user }) => {
    if (data.op === "publish") await stageRotation(data.alg, user.id);
    else await promoteNext(data.alg, user.id);
    // This instance follows at once; the others within 30 seconds.
    resetProvider();
    revalidatePath("/admin/clients/keys");
    return {
      ok: true,
      message:
        data.op === "publish"
          ? `New ${data.alg} key published. It signs once activated (by you, or automatically after a day).`
          : `The new ${data.alg} key signs from now on.`,
    };
  });
