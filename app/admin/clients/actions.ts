"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction, fieldErrorsOf, type FormState } from "@/lib/action";
import { clientInputSchema, createClient, rotateClientSecret, SCOPES, setClientDisabled, updateClient } from "@/lib/oidc/clients";
import { ALGS, promoteNext, stageRotation } from "@/lib/oidc/keys";
import { resetProvider } from "@/lib/oidc/provider";

const clientId = z.string().min(1).max(200);

/** The form's fields as the lib expects them: one checkbox per scope becomes the list. */
function clientInput(formData: FormData) {
  return {
    name: formData.get("name"),
    type: formData.get("type"),
    redirectUris: formData.get("redirectUris"),
    postLogoutRedirectUris: formData.get("postLogoutRedirectUris"),
    allowedScopes: SCOPES.filter((s) => formData.get(`scope_${s}`) === "on"),
    require2fa: formData.get("require2fa"),
    skipConsent: formData.get("skipConsent"),
    idTokenAlg: formData.get("idTokenAlg"),
  };
}

/** The refusal with every field's message; the entered values go back so the form keeps them (none is secret). */
const invalid = (error: z.ZodError, formData: FormData): FormState => ({
  ok: false,
  message: "Please correct the fields marked below.",
  fieldErrors: fieldErrorsOf(error),
  values: Object.fromEntries([...formData.entries()].filter((e): e is [string, string] => typeof e[1] === "string" && !e[0].startsWith("$ACTION")).map(([k, v]) => [k, v.slice(0, 10_000)])),
});

export const createClientAction = adminAction(z.object({}).loose(), async (_data, { user }, formData) => {
  const parsed = clientInputSchema.safeParse(clientInput(formData));
  if (!parsed.success) return invalid(parsed.error, formData);
  const { client, secret } = await createClient(parsed.data, user.id);
  revalidatePath("/admin/clients");
  // The secret goes back once, in this answer only; it is stored as an HMAC.
  return {
    ok: true,
    message: `"${client.name}" is registered.${secret ? " Copy its secret now: it will not be shown again." : ""}`,
    values: { clientId: client.id, ...(secret ? { newSecret: secret } : {}) },
  };
});

export const updateClientAction = adminAction(z.object({ clientId }).loose(), async (data, { user }, formData) => {
  const parsed = clientInputSchema.safeParse({ ...clientInput(formData), type: formData.get("type") ?? "confidential" });
  if (!parsed.success) return invalid(parsed.error, formData);
  await updateClient(data.clientId, parsed.data, user.id);
  revalidatePath("/admin/clients");
  revalidatePath(`/admin/clients/${data.clientId}`);
  return { ok: true, message: "Changes saved." };
});

export const rotateSecretAction = adminAction(z.object({ clientId }), async (data, { user }) => {
  const secret = await rotateClientSecret(data.clientId, user.id);
  revalidatePath(`/admin/clients/${data.clientId}`);
  return { ok: true, message: "New secret made; the old one no longer works. Copy it now: it will not be shown again.", values: { newSecret: secret } };
});

export const setClientStatusAction = adminAction(z.object({ clientId, op: z.enum(["disable", "enable"]) }), async (data, { user }) => {
  await setClientDisabled(data.clientId, data.op === "disable", user.id);
  revalidatePath("/admin/clients");
  revalidatePath(`/admin/clients/${data.clientId}`);
  return { ok: true, message: data.op === "disable" ? "App disabled: its sign-ins and tokens ended." : "App enabled." };
});

export const keyAction = adminAction(z.object({ alg: z.enum(ALGS), op: z.enum(["publish", "activate"]) }), async (data, { user }) => {
  if (data.op === "publish") await stageRotation(data.alg, user.id);
  else await promoteNext(data.alg, user.id);
  // This instance follows at once; the others within 30 seconds.
  resetProvider();
  revalidatePath("/admin/clients/keys");
  return {
    ok: true,
    message: data.op === "publish" ? `New ${data.alg} key published. It signs once activated (by you, or automatically after a day).` : `The new ${data.alg} key signs from now on.`,
  };
});

