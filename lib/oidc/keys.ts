import "server-only";
// Signing keys of the ID tokens: one ES256 and one RS256 key generated at first start, the private
// JWK sealed with AES-256-GCM; rotation in two steps (publish a next key, then make it current) with
// the retired key still published until the tokens it signed can no longer be presented.
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import { db } from "@/lib/db";
import { oidcSigningKeys, type OidcSigningKey } from "@/db/schema";
import { audit } from "@/lib/audit";
import { SYSTEM_ACTOR } from "@/lib/audit/actions";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { ErrorCodes, UserError } from "@/lib/shared/errors";

export const ALGS = ["ES256", "RS256"] as const;
export type Alg = (typeof ALGS)[number];
/** A retired key stays published this long: an ID token may come back as id_token_hint for a session's lifetime. */
export const RETIRED_KEY_SECONDS = 14 * 86_400;
/** A published next key becomes current by itself after this long (the daily job), so RP caches have seen it. */
export const NEXT_KEY_ACTIVATES_AFTER_SECONDS = 86_400;

const STATE_ORDER = { current: 0, next: 1, retired: 2 } as const;

async function newKey(alg: Alg) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === "RS256" ? { modulusLength: 2048 } : {}) });
  const jwk = await exportJWK(privateKey);
  // oidc-provider 9 wants unique key ids: the thumbprint is one.
  const kid = await calculateJwkThumbprint(jwk);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return {
    kid,
    alg,
    privateJwk: encryptSecret(JSON.stringify({ ...jwk, kid, alg, use: "sig" })),
    publicJwk: { ...pub, kid, alg, use: "sig" } as Record<string, unknown>,
  };
}

/** First start (or a wiped table): one current key per algorithm. Safe when instances race. */
export async function ensureKeys() {
  const have = await db.select({ alg: oidcSigningKeys.alg }).from(oidcSigningKeys).where(eq(oidcSigningKeys.state, "current"));
  for (const alg of ALGS) {
    if (have.some((h) => h.alg === alg)) continue;
    const k = await newKey(alg);
    // The partial unique index (alg) where state = 'current' turns the loser of a race into a no-op.
    await db
      .insert(oidcSigningKeys)
      .values({ ...k, state: "current", activatedAt: new Date() })
      .onConflictDoNothing();
  }
}

/** The private key set for the Provider: current keys first (it signs with the first that fits). */
export async function loadJwks(): Promise<{ keys: JWK[] }> {
  const rows = await db.select().from(oidcSigningKeys).orderBy(asc(oidcSigningKeys.createdAt));
  rows.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]);
  return { keys: rows.map((r) => JSON.parse(decryptSecret(r.privateJwk)) as JWK) };
}

/** Changes whenever a key is added, promoted or dropped: each instance rebuilds its Provider then. */
export async function keysVersion(): Promise<string> {
  const [r] = await db
    .select({ v: sql<string>`coalesce(string_agg(${oidcSigningKeys.kid} || ':' || ${oidcSigningKeys.state}, ',' order by ${oidcSigningKeys.kid}), '')` })
    .from(oidcSigningKeys);
  return r?.v ?? "";
}

export type KeyView = Pick<OidcSigningKey, "kid" | "alg" | "state" | "createdAt" | "activatedAt" | "retiredAt" | "deleteAfter">;

/** The keys, for the Manager app (public parts only). */
export async function listKeys(): Promise<KeyView[]> {
  const rows = await db
    .select({
      kid: oidcSigningKeys.kid,
      alg: oidcSigningKeys.alg,
      state: oidcSigningKeys.state,
      createdAt: oidcSigningKeys.createdAt,
      activatedAt: oidcSigningKeys.activatedAt,
      retiredAt: oidcSigningKeys.retiredAt,
      deleteAfter: oidcSigningKeys.deleteAfter,
    })
    .from(oidcSigningKeys)
    .orderBy(asc(oidcSigningKeys.alg), asc(oidcSigningKeys.createdAt));
  return rows.sort((a, b) => a.alg.localeCompare(b.alg) || STATE_ORDER[a.state] - STATE_ORDER[b.state]);
}

/**
 * Rotation, step 1: a new key is published (state next) but does not sign yet, so relying parties'
 * key caches see it before any token uses it. Replaces an earlier next key of the same algorithm.
 */
export async function stageRotation(alg: Alg, actorId: string | null): Promise<string> {
  if (!ALGS.includes(alg)) throw new UserError(ErrorCodes.INVALID_INPUT, "Choose ES256 or RS256.");
  const k = await newKey(alg);
  await db.transaction(async (tx) => {
    await tx.delete(oidcSigningKeys).where(and(eq(oidcSigningKeys.alg, alg), eq(oidcSigningKeys.state, "next")));
    await tx.insert(oidcSigningKeys).values({ ...k, state: "next" });
  });
  await audit({ action: "oidc.key_published", actorId, detail: { alg, kid: k.kid } });
  return k.kid;
}

/** Rotation, step 2: the next key signs from now on; the old one is retired, published a while longer. */
export async function promoteNext(alg: Alg, actorId: string | null): Promise<void> {
  const deleteAfter = new Date(Date.now() + RETIRED_KEY_SECONDS * 1000);
  const promoted = await db.transaction(async (tx) => {
    const [next] = await tx
      .select()
      .from(oidcSigningKeys)
      .where(and(eq(oidcSigningKeys.alg, alg), eq(oidcSigningKeys.state, "next")))
      .limit(1);
    if (!next) return null;
    await tx
      .update(oidcSigningKeys)
      .set({ state: "retired", retiredAt: new Date(), deleteAfter })
      .where(and(eq(oidcSigningKeys.alg, alg), eq(oidcSigningKeys.state, "current")));
    await tx.update(oidcSigningKeys).set({ state: "current", activatedAt: new Date() }).where(eq(oidcSigningKeys.kid, next.kid));
    return next.kid;
  });
  if (!promoted) throw new UserError(ErrorCodes.NOT_FOUND, `There is no new ${alg} key to activate. Publish one first.`);
  await audit({ action: "oidc.key_activated", actorId, detail: { alg, kid: promoted } });
}

/** The daily job: next keys published for a day become current; retired keys past their time go. */
export async function keyHousekeeping(now = new Date()) {
  const due = await db
    .select({ alg: oidcSigningKeys.alg })
    .from(oidcSigningKeys)
    .where(and(eq(oidcSigningKeys.state, "next"), lt(oidcSigningKeys.createdAt, new Date(now.getTime() - NEXT_KEY_ACTIVATES_AFTER_SECONDS * 1000))));
  let activated = 0;
  for (const { alg } of due) {
    try {
      await promoteNext(alg, SYSTEM_ACTOR);
      activated++;
    } catch (err) {
      // The other algorithm's key, the retired keys and tomorrow's run go on; the failure is logged.
      console.error(`[oidc] the daily job could not activate the next ${alg} signing key:`, err);
    }
  }
  const dropped = await db
    .delete(oidcSigningKeys)
    .where(and(inArray(oidcSigningKeys.state, ["retired"]), lt(oidcSigningKeys.deleteAfter, now)))
    .returning({ kid: oidcSigningKeys.kid });
  return { activated, dropped: dropped.length };
}
