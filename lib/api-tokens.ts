import "server-only";
// A11: personal API tokens — created valid for one year, the secret shown once and kept only as an
// HMAC; listed with their status, checked, revoked; and resolved to their account for /api/me.
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/lib/db";
import { apiTokens, users, type ApiToken, type User } from "@/db/schema";
import { audit } from "@/lib/audit";
import { isBlocked } from "./blocking";
import { hashSecret, newId, randomToken } from "./crypto";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { assertAllowed } from "./permissions";

/** Every token starts with this, so leaked tokens are recognisable (and scannable) as Latchkey's. */
export const TOKEN_PREFIX = "lk_";
export const TOKEN_NAME_MAX = 60;
/** At most this many active tokens per account. */
export const TOKENS_PER_ACCOUNT = 50;
// "lk_" + 43 base64url characters (32 random bytes).
const TOKEN_SHAPE = /^lk_[A-Za-z0-9_-]{43}$/;
// Last-use writes are throttled: at most one per minute per token.
const TOUCH_EVERY_MS = 60_000;

export const tokenNameSchema = z
  .string({ error: "Name the token." })
  .trim()
  .min(1, "Name the token.")
  .max(TOKEN_NAME_MAX, `Use at most ${TOKEN_NAME_MAX} characters.`);

export type TokenStatus = "active" | "expired" | "revoked";

export function tokenStatus(t: Pick<ApiToken, "expiresAt" | "revokedAt">, now = new Date()): TokenStatus {
  if (t.revokedAt) return "revoked";
  return t.expiresAt.getTime() <= now.getTime() ? "expired" : "active";
}

const tokenHash = (token: string) => hashSecret(`api-token:${token}`);

/** One year from `now` (the same calendar date next year, UTC). */
function oneYearFrom(now: Date) {
  const at = new Date(now.getTime());
  at.setUTCFullYear(at.getUTCFullYear() + 1);
  return at;
}

/** Creates a token; returns the secret (shown once, never stored) and the stored row. */
export async function createApiToken(userId: string, name: string, now = new Date()): Promise<{ token: string; row: ApiToken }> {
  await assertAllowed(userId, "create_api_token");
  const parsed = tokenNameSchema.safeParse(name);
  if (!parsed.success) throw new UserError(ErrorCodes.INVALID_INPUT, parsed.error.issues[0]!.message, "name");
  const active = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, now)))
    .limit(TOKENS_PER_ACCOUNT);
  if (active.length >= TOKENS_PER_ACCOUNT) {
    throw new UserError(ErrorCodes.LIMIT_REACHED, `An account can have at most ${TOKENS_PER_ACCOUNT} active tokens. Revoke unused ones first.`);
  }
  const token = `${TOKEN_PREFIX}${randomToken(32)}`;
  const [row] = await db
    .insert(apiTokens)
    .values({
      id: newId(),
      userId,
      name: parsed.data,
      tokenHash: tokenHash(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      createdAt: now,
      expiresAt: oneYearFrom(now),
    })
    .returning();
  await audit({ action: "api_token.created", userId, actorId: userId, detail: { tokenId: row!.id, name: parsed.data } });
  return { token, row: row! };
}

export type TokenSummary = Pick<ApiToken, "id" | "name" | "prefix" | "createdAt" | "expiresAt" | "revokedAt" | "lastUsedAt"> & { status: TokenStatus };

const summary = (t: ApiToken, now: Date): TokenSummary => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  revokedAt: t.revokedAt,
  lastUsedAt: t.lastUsedAt,
  status: tokenStatus(t, now),
});

export async function listApiTokens(userId: string, now = new Date()): Promise<TokenSummary[]> {
  const rows = await db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  return rows.map((t) => summary(t, now));
}

/** The *Check* action: the token's status as stored now. */
export async function checkApiToken(userId: string, tokenId: string, now = new Date()): Promise<TokenSummary> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)));
  if (!row) throw new UserError(ErrorCodes.NOT_FOUND, "This token no longer exists.");
  return summary(row, now);
}

export async function revokeApiToken(userId: string, tokenId: string): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (rows.length) await audit({ action: "api_token.revoked", userId, actorId: userId, detail: { tokenId } });
  return rows.length > 0;
}

/**
 * Resolves a presented token to its account, or null when it is malformed, unknown, revoked,
 * expired, or its account is blocked. Records the last use.
 */
export async function authenticateApiToken(token: string, now = new Date()): Promise<User | null> {
  if (typeof token !== "string" || !TOKEN_SHAPE.test(token)) return null;
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, tokenHash(token)))
    .limit(1);
  if (!row || tokenStatus(row.token, now) !== "active" || isBlocked(row.user, now)) return null;
  if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id));
  }
  return row.user;
}
