import "server-only";
// Two-factor recovery codes (T7): 10 single-use codes, shown once, stored as keyed hashes.
import { randomInt } from "node:crypto";
import { and, count, eq, isNull } from "drizzle-orm";
import { db, type Db as Tx, type Within } from "@/lib/db";
import { recoveryCodes } from "@/db/schema";
import { hashSecret, newId } from "@/lib/crypto";
import { ErrorCodes, UserError } from "@/lib/shared/errors";

export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32 in lower case: no i, l, o or u, so nothing reads as something else; 32 symbols
// × 10 characters = 50 bits per code. On input o → 0 and i/l → 1, as Crockford prescribes.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const GROUP = 5;

const codeHash = (code: string) => hashSecret(`recovery:${code}`);

function newCode(): string {
  let raw = "";
  for (let i = 0; i < GROUP * 2; i++) raw += ALPHABET[randomInt(0, ALPHABET.length)];
  return `${raw.slice(0, GROUP)}-${raw.slice(GROUP)}`;
}

/** The canonical "xxxxx-xxxxx" form of what the user typed, or null when it cannot be a code. */
export function normalizeRecoveryCode(input: string): string | null {
  const raw = input
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "")
    .replace(/o/g, "0")
    .replace(/[il]/g, "1");
  if (raw.length !== GROUP * 2 || [...raw].some((c) => !ALPHABET.includes(c))) return null;
  return `${raw.slice(0, GROUP)}-${raw.slice(GROUP)}`;
}

/** Replaces all of the user's recovery codes with 10 new ones; the plain codes are returned only here. */
export async function generateRecoveryCodes(userId: string, q: Tx = db): Promise<string[]> {
  const fresh = new Set<string>();
  while (fresh.size < RECOVERY_CODE_COUNT) fresh.add(newCode());
  const list = [...fresh];
  // Inside the caller's transaction (a savepoint) when there is one.
  await q.transaction(async (tx) => {
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await tx.insert(recoveryCodes).values(list.map((code) => ({ id: newId(), userId, codeHash: codeHash(code) })));
  });
  return list;
}

/** Consumes one recovery code of the user; a code works once, even under parallel submissions. */
/**
 * Consumes one recovery code of the user; a code works once, even under parallel submissions. With
 * `within`, what the code unlocks is written in the same transaction: if that fails, the code stays unused.
 */
export async function redeemRecoveryCode(userId: string, code: string, within?: Within): Promise<void> {
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) {
    throw new UserError(ErrorCodes.INVALID_INPUT, "Enter a recovery code as shown when you saved it, like abcde-12345.", "code");
  }
  const consume = async (q: Tx) => {
    const used = await q
      .update(recoveryCodes)
      .set({ usedAt: new Date() })
      .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash(normalized)), isNull(recoveryCodes.usedAt)))
      .returning({ id: recoveryCodes.id });
    if (!used.length) return false;
    if (within) await within(q);
    return true;
  };
  const ok = within ? await db.transaction((tx) => consume(tx as unknown as Tx)) : await consume(db);
  if (!ok) throw new UserError(ErrorCodes.INVALID_CODE, "That recovery code is not valid or was already used.", "code");
}

/** How many unused recovery codes the user has left. */
export async function remainingRecoveryCodes(userId: string, q: Tx = db): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return Number(row?.n ?? 0);
}
