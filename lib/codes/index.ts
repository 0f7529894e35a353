import "server-only";
// One-time codes for every purpose: issue, check, consume. 6 digits, 10 minutes, 5 tries, single use, stored hashed.
import { and, desc, eq, gt, sql } from "drizzle-orm";
import { db, type Db } from "@/lib/db";
import { codes } from "@/db/schema";
import { hashSecret, newId, randomDigits, randomToken } from "@/lib/crypto";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hit, peek, retryAfterText, rowsOf } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";

export type CodePurpose = "email_confirm" | "email_change" | "phone_confirm" | "phone_login" | "phone_register" | "recovery" | "two_factor" | "method_confirm";

export const CODE_LENGTH = 6;
export const CODE_TTL_SECONDS = 10 * 60;
export const CODE_MAX_ATTEMPTS = 5;
export const RESEND_COOLDOWN_SECONDS = 30;

// The code proves control of the target for one purpose: hashes bind all three together.
const codeHash = (purpose: string, target: string, code: string) => hashSecret(`code:${purpose}:${target}:${code}`);

export type IssuedCode = { id: string; code: string; linkToken?: string };

/**
 * Creates a new code for (purpose, target): the newest code replaces older ones. The cooldown and
 * the budgets are the sending pipeline's (lib/codes/send.ts), claimed before this is called;
 * `discardCode` undoes an issue whose delivery failed, so the previous code stays usable.
 */
export async function issueCode(input: { purpose: CodePurpose; target: string; userId?: string | null; withLink?: boolean }): Promise<IssuedCode> {
  const { purpose, target } = input;
  const code = randomDigits(CODE_LENGTH);
  const linkToken = input.withLink ? randomToken() : undefined;
  const id = newId();
  await db.insert(codes).values({
    id,
    purpose,
    target,
    userId: input.userId ?? null,
    codeHash: codeHash(purpose, target, code),
    linkHash: linkToken ? hashSecret(`link:${linkToken}`) : null,
    maxAttempts: CODE_MAX_ATTEMPTS,
    expiresAt: new Date(Date.now() + CODE_TTL_SECONDS * 1000),
  });
  return { id, code, linkToken };
}

/** Removes a code that could not be delivered, so nothing is lost and the user can simply retry. */
export async function discardCode(id: string): Promise<void> {
  await db.delete(codes).where(and(eq(codes.id, id), sql`${codes.consumedAt} is null`));
}

export type ConsumedCode = { id: string; target: string; userId: string | null };
/** The database, or a transaction on it. */
export type Tx = Db;

/**
 * Checks a typed code against the newest code for (purpose, target) and consumes it when right.
 * One conditional UPDATE counts the try and consumes the code together, so parallel submissions
 * of a right code give exactly one success and parallel wrong guesses never exceed the try limit.
 */
export async function consumeCode(
  input: { purpose: CodePurpose; target: string; code: string },
  within?: (q: Tx, consumed: ConsumedCode) => Promise<void>,
): Promise<ConsumedCode> {
  const { purpose, target } = input;
  const code = input.code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(code)) {
    throw new UserError(ErrorCodes.INVALID_INPUT, "Enter the 6-digit code, digits only.", "code");
  }
  const failures = await peek(LIMITS.codeFailuresPerTarget(target));
  if (!failures.success) {
    throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many wrong codes. Try again in ${retryAfterText(failures.resetAt)}.`, "code");
  }
  const hashed = codeHash(purpose, target, code);
  type Row = { id: string; target: string; user_id: string | null; ok: boolean };
  // With `within`, what the code unlocks is written in the same transaction as its consumption.
  const attempt = async (q: Tx) => {
    const result = await q.execute<Row>(sql`
    update ${codes} set
      attempts = attempts + 1,
      consumed_at = case when code_hash = ${hashed} then now() else null end
    where id = (
      select id from ${codes} where purpose = ${purpose} and target = ${target}
      order by created_at desc limit 1
    )
      and consumed_at is null and expires_at > now() and attempts < max_attempts
    returning id, target, user_id, (consumed_at is not null) as ok`);
    const row = rowsOf<Row>(result)[0];
    if (row?.ok && within) await within(q, { id: row.id, target: row.target, userId: row.user_id });
    return row;
  };
  const row = within ? await db.transaction((tx) => attempt(tx as unknown as Tx)) : await attempt(db);
  if (row?.ok) return { id: row.id, target: row.target, userId: row.user_id };
  if (row) {
    await hit(LIMITS.codeFailuresPerTarget(target));
    throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
  }
  // No row was updated: say why, from the newest code's state.
  const [latest] = await db
    .select()
    .from(codes)
    .where(and(eq(codes.purpose, purpose), eq(codes.target, target)))
    .orderBy(desc(codes.createdAt))
    .limit(1);
  if (!latest) {
    // No code was ever sent to this target: answer exactly like a wrong code, and count it the same.
    await hit(LIMITS.codeFailuresPerTarget(target));
    throw new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check it and try again.", "code");
  }
  if (latest.consumedAt) throw new UserError(ErrorCodes.CODE_USED, "That code was already used. Ask for a new code.", "code");
  if (latest.expiresAt <= new Date()) throw new UserError(ErrorCodes.CODE_EXPIRED, "That code has expired. Ask for a new code.", "code");
  throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, "Too many wrong tries for this code. Ask for a new code.", "code");
}

/** Consumes an emailed link token (single use, same lifetime as the code). */
export async function consumeLink(
  input: { purpose: CodePurpose; token: string },
  within?: (q: Tx, consumed: ConsumedCode) => Promise<void>,
): Promise<ConsumedCode> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(input.token)) {
    throw new UserError(ErrorCodes.INVALID_CODE, "This link is not valid. Ask for a new one.");
  }
  const linkHash = hashSecret(`link:${input.token}`);
  const attempt = async (q: Tx) => {
    const [row] = await q
      .update(codes)
      .set({ consumedAt: new Date() })
      .where(and(eq(codes.linkHash, linkHash), eq(codes.purpose, input.purpose), sql`${codes.consumedAt} is null`, gt(codes.expiresAt, new Date())))
      .returning({ id: codes.id, target: codes.target, userId: codes.userId });
    if (row && within) await within(q, row);
    return row;
  };
  const row = within ? await db.transaction((tx) => attempt(tx as unknown as Tx)) : await attempt(db);
  if (row) return row;
  const [existing] = await db
    .select()
    .from(codes)
    .where(and(eq(codes.linkHash, linkHash), eq(codes.purpose, input.purpose)))
    .limit(1);
  if (existing?.consumedAt) throw new UserError(ErrorCodes.CODE_USED, "This link was already used.");
  if (existing) throw new UserError(ErrorCodes.CODE_EXPIRED, "This link has expired. Ask for a new one.");
  throw new UserError(ErrorCodes.INVALID_CODE, "This link is not valid. Ask for a new one.");
}

/** Peeks whether a link token is still usable, without consuming it (for the landing page). */
export async function linkIsUsable(purpose: CodePurpose, token: string): Promise<boolean> {
  return (await linkOwner(purpose, token)) !== null;
}

/** The account and target a usable link belongs to, without consuming it. */
export async function linkOwner(purpose: CodePurpose, token: string): Promise<{ userId: string | null; target: string } | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await db
    .select({ userId: codes.userId, target: codes.target })
    .from(codes)
    .where(and(eq(codes.linkHash, hashSecret(`link:${token}`)), eq(codes.purpose, purpose), sql`${codes.consumedAt} is null`, gt(codes.expiresAt, new Date())))
    .limit(1);
  return row ?? null;
}
