import "server-only";
// oidc-provider's storage on Postgres through Drizzle: one table for every model it persists
// (ids and grant ids kept as HMACs, codes and refresh tokens consumed atomically); clients are read
// from the admin-managed oidc_clients table.
import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import { errors, type Adapter, type AdapterPayload } from "oidc-provider";
import { db } from "@/lib/db";
import { oidcClients, oidcPayloads } from "@/db/schema";
import { hashSecret } from "@/lib/crypto";
import { clientMetadata, mayBeClientId } from "./clients";

/** The stored id of an artefact: token values are ids, so none is kept in clear. */
export const payloadKey = (model: string, id: string) => hashSecret(`oidc:${model}:${id}`);
/** The stored grant id of tokens: the same value as the Grant row's own `id`. */
export const grantKey = (grantId: string) => payloadKey("Grant", grantId);

const live = () => or(isNull(oidcPayloads.expiresAt), gt(oidcPayloads.expiresAt, sql`now()`));

class ClientAdapter implements Adapter {
  async find(id: string) {
    if (!mayBeClientId(id)) return undefined;
    const [row] = await db.select().from(oidcClients).where(eq(oidcClients.id, id)).limit(1);
    return clientMetadata(row) as AdapterPayload | undefined;
  }
  // Dynamic registration is off: clients are written by the Manager app only.
  async upsert(): Promise<void> {
    throw new Error("clients are managed on /admin/clients");
  }
  async destroy() {}
  async consume() {}
  async findByUid() {
    return undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async revokeByGrantId() {}
}

class PayloadAdapter implements Adapter {
  constructor(readonly model: string) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
    // The id (a bearer value for codes and tokens) is kept only as its HMAC.
    const { jti: _jti, ...stored } = payload;
    const row = {
      model: this.model,
      id: payloadKey(this.model, id),
      grantId: typeof payload.grantId === "string" ? grantKey(payload.grantId) : null,
      uid: typeof payload.uid === "string" ? payload.uid : null,
      userCode: typeof payload.userCode === "string" ? payload.userCode : null,
      accountId: typeof payload.accountId === "string" ? payload.accountId : null,
      clientId: typeof payload.clientId === "string" ? payload.clientId : null,
      payload: stored as Record<string, unknown>,
      expiresAt: typeof expiresIn === "number" ? new Date(Date.now() + expiresIn * 1000) : null,
    };
    await db
      .insert(oidcPayloads)
      .values(row)
      .onConflictDoUpdate({
        target: [oidcPayloads.model, oidcPayloads.id],
        set: {
          grantId: row.grantId,
          uid: row.uid,
          userCode: row.userCode,
          accountId: row.accountId,
          clientId: row.clientId,
          payload: row.payload,
          expiresAt: row.expiresAt,
        },
      });
  }

  async #findWhere(where: ReturnType<typeof eq>, id?: string): Promise<AdapterPayload | undefined> {
    const [row] = await db
      .select({ payload: oidcPayloads.payload, consumedAt: oidcPayloads.consumedAt })
      .from(oidcPayloads)
      .where(and(eq(oidcPayloads.model, this.model), where, live()))
      .limit(1);
    if (!row) return undefined;
    return {
      ...(row.payload as AdapterPayload),
      ...(id !== undefined ? { jti: id } : {}),
      ...(row.consumedAt ? { consumed: Math.floor(row.consumedAt.getTime() / 1000) } : {}),
    };
  }

  find(id: string) {
    if (typeof id !== "string" || id.length > 500) return Promise.resolve(undefined);
    return this.#findWhere(eq(oidcPayloads.id, payloadKey(this.model, id)), id);
  }

  // Sessions only: oidc-provider reads the account and authorizations of it, never its id.
  findByUid(uid: string) {
    return this.#findWhere(eq(oidcPayloads.uid, uid));
  }

  findByUserCode(userCode: string) {
    return this.#findWhere(eq(oidcPayloads.userCode, userCode));
  }

  /**
   * Marks a code or refresh token used, atomically: of two requests racing with the same value only
   * one wins; the other is treated as reuse (the whole grant revoked, invalid_grant), as oidc-provider
   * treats a sequential replay.
   */
  async consume(id: string) {
    const hashed = payloadKey(this.model, id);
    const won = await db
      .update(oidcPayloads)
      .set({ consumedAt: sql`now()` })
      .where(and(eq(oidcPayloads.model, this.model), eq(oidcPayloads.id, hashed), isNull(oidcPayloads.consumedAt)))
      .returning({ grantId: oidcPayloads.grantId });
    if (won.length) return;
    const [row] = await db
      .select({ grantId: oidcPayloads.grantId })
      .from(oidcPayloads)
      .where(and(eq(oidcPayloads.model, this.model), eq(oidcPayloads.id, hashed)))
      .limit(1);
    if (row?.grantId) await revokeStoredGrant(row.grantId);
    throw new errors.InvalidGrant(`${this.model === "RefreshToken" ? "refresh token" : "authorization code"} already used`);
  }

  async destroy(id: string) {
    await db.delete(oidcPayloads).where(and(eq(oidcPayloads.model, this.model), eq(oidcPayloads.id, payloadKey(this.model, id))));
  }

  async revokeByGrantId(grantId: string) {
    await db.delete(oidcPayloads).where(and(eq(oidcPayloads.model, this.model), eq(oidcPayloads.grantId, grantKey(grantId))));
  }
}

/** Deletes a grant and every code and token issued under it (`storedGrantId` as stored: the HMAC). */
export async function revokeStoredGrant(storedGrantId: string) {
  await db.delete(oidcPayloads).where(or(eq(oidcPayloads.grantId, storedGrantId), and(eq(oidcPayloads.model, "Grant"), eq(oidcPayloads.id, storedGrantId))));
}

/** The `adapter` option of the Provider: one adapter per model name. */
export function adapterFor(model: string): Adapter {
  return model === "Client" ? new ClientAdapter() : new PayloadAdapter(model);
}
