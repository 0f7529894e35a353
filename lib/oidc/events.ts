import "server-only";
// What the provider reports that belongs in the audit log: sign-ins to apps, reused codes and
// refresh tokens (their grant is revoked), sign-outs started by an app. oidc-provider emits its
// events synchronously, so the writes are collected on the request and awaited before it answers.
import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";
import { audit, type AuditInput } from "@/lib/audit";

type WithAfter = { after?: Array<Promise<unknown>> };

function later(ctx: KoaContextWithOIDC, entry: AuditInput) {
  const req = ctx.req as unknown as WithAfter;
  const p = audit(entry);
  if (req.after) req.after.push(p);
}

const clientOf = (ctx: KoaContextWithOIDC) => ({ clientId: ctx.oidc?.client?.clientId, clientName: ctx.oidc?.client?.clientName });

export function auditEvents(provider: Provider) {
  provider.on("authorization.success", (ctx: KoaContextWithOIDC) => {
    const userId = ctx.oidc?.session?.accountId;
    if (!userId) return;
    later(ctx, { action: "oidc.signed_in", userId, actorId: userId, detail: { ...clientOf(ctx), acr: ctx.oidc.session?.acr } });
  });
  provider.on("grant.error", (ctx: KoaContextWithOIDC, error: { error?: string; error_description?: string; error_detail?: string }) => {
    // For the operator: why an app's token request was refused (never a token or secret in it).
    console.warn(
      `[oidc] token request refused for ${ctx.oidc?.client?.clientId ?? "an unknown app"}: ${error?.error} (${error?.error_detail ?? error?.error_description ?? ""})`,
    );
    if (!/already used/.test(error?.error_description ?? "")) return;
    const e = ctx.oidc?.entities as Record<string, { accountId?: string } | undefined> | undefined;
    const userId = e?.RefreshToken?.accountId ?? e?.AuthorizationCode?.accountId ?? null;
    later(ctx, { action: "oidc.token_reused", userId, actorId: null, detail: { ...clientOf(ctx), what: error.error_description } });
  });
  provider.on("end_session.success", (ctx: KoaContextWithOIDC) => {
    const userId = (ctx.oidc?.session as { accountId?: string } | undefined)?.accountId ?? null;
    later(ctx, { action: "oidc.signed_out", userId, actorId: userId, detail: clientOf(ctx) });
  });
}
