import "server-only";
// Connected apps: the apps a person allowed (their grants), listed on the security page and removed
// there (every code and token of the app for that person ends); and the daily clean-up of expired rows.
import { and, desc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { db, type Db } from "@/lib/db";
import { oidcClients, oidcPayloads } from "@/db/schema";
import { audit } from "@/lib/audit";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { SCOPES, type Scope } from "./clients";
import { keyHousekeeping } from "./keys";

export type ConnectedApp = { clientId: string; name: string; scopes: Scope[]; since: Date; lastUsed: Date };

// Rows that belong to a grant an account holds with an app.
const GRANT_MODELS = ["Grant", "AuthorizationCode", "AccessToken", "RefreshToken"];

/** The apps this account allowed and still holds a live grant for, most recently used first. */
export async function listConnectedApps(userId: string): Promise<ConnectedApp[]> {
  const rows = await db
    .select({ clientId: oidcPayloads.clientId, name: oidcClients.name, payload: oidcPayloads.payload, createdAt: oidcPayloads.createdAt })
    .from(oidcPayloads)
    .innerJoin(oidcClients, eq(oidcClients.id, oidcPayloads.clientId))
    .where(
      and(
        eq(oidcPayloads.accountId, userId),
        eq(oidcPayloads.model, "Grant"),
        isNull(oidcClients.disabledAt),
        or(isNull(oidcPayloads.expiresAt), gt(oidcPayloads.expiresAt, sql`now()`)),
      ),
    )
    .orderBy(desc(oidcPayloads.createdAt));
  const apps = new Map<string, ConnectedApp>();
  for (const r of rows) {
    const openid = (r.payload as { openid?: { scope?: string } }).openid?.scope ?? "";
    const granted = new Set(openid.split(" "));
    const iat = Number((r.payload as { iat?: number }).iat);
    const lastUsed = Number.isFinite(iat) ? new Date(iat * 1000) : r.createdAt;
    const app = apps.get(r.clientId!);
    if (!app) {
      apps.set(r.clientId!, { clientId: r.clientId!, name: r.name, scopes: SCOPES.filter((s) => granted.has(s)), since: r.createdAt, lastUsed });
    } else {
      for (const s of SCOPES) if (granted.has(s) && !app.scopes.includes(s)) app.scopes.push(s);
      if (r.createdAt < app.since) app.since = r.createdAt;
      if (lastUsed > app.lastUsed) app.lastUsed = lastUsed;
    }
  }
  // The last sign-in to each app: its newest code or token.
  const used = await db
    .select({ clientId: oidcPayloads.clientId, at: sql<Date | string>`max(${oidcPayloads.createdAt})` })
    .from(oidcPayloads)
    .where(and(eq(oidcPayloads.accountId, userId), inArray(oidcPayloads.model, ["AuthorizationCode", "AccessToken", "RefreshToken"])))
    .groupBy(oidcPayloads.clientId);
  for (const u of used) {
    const app = u.clientId ? apps.get(u.clientId) : undefined;
    const at = new Date(u.at);
    if (app && at > app.lastUsed) app.lastUsed = at;
  }
  return [...apps.values()].sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime());
}

/** Removes an app from this account: its grants, codes and tokens end now; it asks again next time. */
export async function revokeConnectedApp(userId: string, clientId: string): Promise<void> {
  const removed = await db
    .delete(oidcPayloads)
    .where(and(eq(oidcPayloads.accountId, userId), eq(oidcPayloads.clientId, clientId), inArray(oidcPayloads.model, GRANT_MODELS)))
    .returning({ model: oidcPayloads.model });
  if (!removed.length) throw new UserError(ErrorCodes.NOT_FOUND, "This app is not connected to your account.");
  const [client] = await db.select({ name: oidcClients.name }).from(oidcClients).where(eq(oidcClients.id, clientId)).limit(1);
  await audit({ action: "oidc.app_revoked", userId, actorId: userId, detail: { clientId, clientName: client?.name ?? clientId } });
}

/**
 * Signs an account out of every app (a password reset, a blocked account): its codes, tokens and
 * provider sessions end; what it allowed (the grants) stays, so apps do not ask for consent again.
 */
export async function endAppSessions(userId: string, q: Db = db): Promise<number> {
  const removed = await q
    .delete(oidcPayloads)
    .where(and(eq(oidcPayloads.accountId, userId), inArray(oidcPayloads.model, ["AuthorizationCode", "AccessToken", "RefreshToken", "Session"])))
    .returning({ model: oidcPayloads.model });
  return removed.length;
}

/** The daily job: expired provider rows go; signing keys are promoted and dropped on schedule. */
export async function oidcHousekeeping(now = new Date()) {
  const expired = await db.delete(oidcPayloads).where(lt(oidcPayloads.expiresAt, now)).returning({ model: oidcPayloads.model });
  const keys = await keyHousekeeping(now);
  return { expiredRows: expired.length, ...keys };
}
