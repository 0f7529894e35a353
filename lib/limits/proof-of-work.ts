import "server-only";
// Proof of work on the signed-out forms that can send an SMS (S8): ALTCHA challenges signed with a key
// derived from AUTH_SECRET, solved in the visitor's browser, verified here and spent once (the
// challenge's signed nonce is recorded in Postgres until it expires).
import { createHmac } from "node:crypto";
import { createChallenge, verifySolution, type Challenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import { lt } from "drizzle-orm";
import { db } from "@/lib/db";
import { powSpent } from "@/db/schema";
import { env } from "@/lib/env";
import { ErrorCodes, UserError } from "@/lib/shared/errors";

export const POW_PURPOSE = "sms";
const TTL_SECONDS = 10 * 60;
// PBKDF2 iterations per attempt, and the key prefix (~256 attempts on average): about half a second
// in a browser, a cost per SMS request that a script pays again for every number it tries.
const COST = 5_000;
const KEY_PREFIX = "00";
const MAX_PAYLOAD = 4096;

const secret = () => createHmac("sha256", env().secret).update("latchkey altcha v1").digest("base64url");

/** A fresh challenge for the widget (GET /api/altcha). */
export function powChallenge(): Promise<Challenge> {
  return createChallenge({
    algorithm: "PBKDF2/SHA-256",
    cost: COST,
    keyPrefix: KEY_PREFIX,
    deriveKey,
    hmacSignatureSecret: secret(),
    expiresAt: Math.floor(Date.now() / 1000) + TTL_SECONDS,
    data: { purpose: POW_PURPOSE },
  });
}

/** What a form's proof of work says about the request: solved, or absent (no JavaScript, or a script). */
export type PowOutcome = "verified" | "missing";

const refused = () => new UserError(ErrorCodes.INVALID_INPUT, "The automatic check did not pass. Reload the page and try again.");

/**
 * Checks the `altcha` field of a form. Absent: "missing" (the request then falls under the stricter
 * budget for browsers without JavaScript). Present but forged, expired, for another purpose or already
 * spent: refused.
 */
export async function verifyPow(raw: unknown): Promise<PowOutcome> {
  if (raw === undefined || raw === null || raw === "") return "missing";
  if (typeof raw !== "string" || raw.length > MAX_PAYLOAD) throw refused();
  let payload: { challenge?: Challenge; solution?: unknown };
  try {
    payload = JSON.parse(Buffer.from(raw, "base64").toString("utf8")) as typeof payload;
  } catch {
    throw refused();
  }
  const challenge = payload?.challenge;
  if (!challenge?.parameters || !payload.solution || typeof payload.solution !== "object") throw refused();
  const result = await verifySolution({
    challenge,
    solution: payload.solution as Parameters<typeof verifySolution>[0]["solution"],
    deriveKey,
    hmacSignatureSecret: secret(),
  }).catch(() => null);
  if (!result?.verified || challenge.parameters.data?.purpose !== POW_PURPOSE) throw refused();
  // Spent once: the nonce is covered by the signature.
  const expiresAt = new Date((challenge.parameters.expiresAt ?? Math.floor(Date.now() / 1000) + TTL_SECONDS) * 1000);
  const fresh = await db.insert(powSpent).values({ id: challenge.parameters.nonce, expiresAt }).onConflictDoNothing().returning({ id: powSpent.id });
  if (!fresh.length) throw refused();
  return "verified";
}

/** The daily job: forgets spent challenges once they have expired anyway. */
export async function pruneSpentChallenges(now = new Date()): Promise<number> {
  const rows = await db.delete(powSpent).where(lt(powSpent.expiresAt, now)).returning({ id: powSpent.id });
  return rows.length;
}
