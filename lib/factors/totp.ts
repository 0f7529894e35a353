import "server-only";
// Authenticator-app codes (TOTP, RFC 6238): enrolment with a QR code, verification with ±1 step and no replay.
import { assertMethodAllowed } from "@/lib/factors/policy";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import { db, type Db as Tx, type Within } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { assertAllowed } from "@/lib/permissions";

export const TOTP_ISSUER = "Latchkey";
export const TOTP_PERIOD_SECONDS = 30;
// ±30 s = the previous, current and next time step (clock drift, typing time). docs/security.md says why.
export const TOTP_TOLERANCE_SECONDS = 30;

export type TotpCheck = { valid: true; timeStep: number; delta: number } | { valid: false };

/**
 * The one place that asks otplib whether `code` fits `secret` (base32). Pure: `epoch` (seconds)
 * defaults to now; steps at or before `afterTimeStep` never match (replay protection).
 */
export async function checkTotpCode(
  secret: string,
  code: string,
  opts: { epoch?: number; afterTimeStep?: number | null; digits?: 6 | 8 } = {},
): Promise<TotpCheck> {
  const digits = opts.digits ?? 6;
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) return { valid: false };
  const epoch = opts.epoch ?? Math.floor(Date.now() / 1000);
  let afterTimeStep = opts.afterTimeStep ?? undefined;
  if (afterTimeStep !== undefined) {
    // otplib throws when afterTimeStep lies beyond the window; every step in the window is then used up.
    const lastStepInWindow = Math.floor((epoch + TOTP_TOLERANCE_SECONDS) / TOTP_PERIOD_SECONDS);
    if (afterTimeStep >= lastStepInWindow) return { valid: false };
    afterTimeStep = Math.max(0, afterTimeStep);
  }
  const result = await verify({
    secret,
    token: code,
    digits,
    epoch,
    epochTolerance: TOTP_TOLERANCE_SECONDS,
    afterTimeStep,
  });
  // verify() is typed for HOTP too; a TOTP match always carries its time step.
  if (!result.valid || !("timeStep" in result)) return { valid: false };
  return { valid: true, timeStep: result.timeStep, delta: result.delta };
}

/** "123 456" and " 123456 " are what people type; only the digits count. */
function normalizeCode(code: string): string {
  const digits = code.replace(/[\s-]+/g, "");
  if (!/^\d{6}$/.test(digits)) {
    throw new UserError(ErrorCodes.INVALID_INPUT, "Enter the 6-digit code from your authenticator app.", "code");
  }
  return digits;
}

const wrongCode = () => new UserError(ErrorCodes.INVALID_CODE, "That code is not right. Check your authenticator app and try again.", "code");
const usedCode = () => new UserError(ErrorCodes.CODE_USED, "This code was already used. Wait for the next one in your app.", "code");

/**
 * Starts (or restarts) enrolment: a new 20-byte secret is kept sealed as the pending secret until
 * the user proves the app has it. Returns the secret (for manual entry), the otpauth URI and its QR code.
 */
export async function beginTotpEnrolment(userId: string, accountLabel: string): Promise<{ secret: string; uri: string; qrDataUrl: string }> {
  await assertAllowed(userId, "enable_2fa");
  await assertMethodAllowed("totp");
  const secret = generateSecret({ length: 20 });
  const uri = generateURI({ issuer: TOTP_ISSUER, label: accountLabel, secret });
  const qrDataUrl = await QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 2, width: 240 });
  const rows = await db
    .update(users)
    .set({ totpPendingSecret: encryptSecret(secret) })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  if (!rows.length) throw new UserError(ErrorCodes.NOT_FOUND, "This account no longer exists.");
  return { secret, uri, qrDataUrl };
}

/**
 * Finishes enrolment with a current code from the app: the pending secret becomes the active one.
 * With `within`, what the enrolment brings (the method, the recovery codes) is written in the same
 * transaction.
 */
export async function confirmTotpEnrolment(userId: string, code: string, within?: Within): Promise<void> {
  const digits = normalizeCode(code);
  const [row] = await db.select({ pending: users.totpPendingSecret }).from(users).where(eq(users.id, userId));
  if (!row?.pending) {
    throw new UserError(ErrorCodes.CODE_EXPIRED, "Start the authenticator app setup again to get a new QR code.", "code");
  }
  const check = await checkTotpCode(decryptSecret(row.pending), digits);
  if (!check.valid) throw wrongCode();
  // Conditional on the same pending secret: a restarted enrolment in another tab is not overwritten.
  const move = async (q: Tx) => {
    const rows = await q
      .update(users)
      .set({ totpSecret: row.pending, totpPendingSecret: null, totpLastStep: check.timeStep })
      .where(and(eq(users.id, userId), eq(users.totpPendingSecret, row.pending!)))
      .returning({ id: users.id });
    if (rows.length && within) await within(q);
    return rows.length > 0;
  };
  const moved = within ? await db.transaction((tx) => move(tx as unknown as Tx)) : await move(db);
  if (!moved) {
    throw new UserError(ErrorCodes.CODE_EXPIRED, "The setup was restarted elsewhere. Scan the newest QR code and try again.", "code");
  }
}

/**
 * Checks a code against the user's active secret. A time step is accepted once: the same step, or
 * an older step after a newer one was used, is refused. The step is recorded with one conditional
 * UPDATE, so parallel submissions of one valid code give exactly one success. With `within`, what
 * the code unlocks is written in the same transaction.
 */
export async function verifyTotp(userId: string, code: string, within?: Within): Promise<void> {
  const digits = normalizeCode(code);
  const [row] = await db.select({ sealed: users.totpSecret, lastStep: users.totpLastStep }).from(users).where(eq(users.id, userId));
  if (!row?.sealed) throw new UserError(ErrorCodes.NOT_FOUND, "No authenticator app is set up for this account.", "code");
  const secret = decryptSecret(row.sealed);
  const check = await checkTotpCode(secret, digits, { afterTimeStep: row.lastStep });
  if (!check.valid) {
    // Tell a replay apart from a wrong code: a right code whose step is already used up.
    if (row.lastStep !== null && (await checkTotpCode(secret, digits)).valid) throw usedCode();
    throw wrongCode();
  }
  // The step is spent in the transaction that writes what it unlocks (`within`).
  const record = async (q: Tx) => {
    const rows = await q
      .update(users)
      .set({ totpLastStep: check.timeStep })
      .where(and(eq(users.id, userId), eq(users.totpSecret, row.sealed!), or(isNull(users.totpLastStep), lt(users.totpLastStep, check.timeStep))))
      .returning({ id: users.id });
    if (rows.length && within) await within(q);
    return rows.length > 0;
  };
  const recorded = within ? await db.transaction((tx) => record(tx as unknown as Tx)) : await record(db);
  if (!recorded) throw usedCode();
}

/** Turns the authenticator app off for the user (and forgets any unfinished enrolment). */
export async function removeTotp(userId: string): Promise<void> {
  await db.update(users).set({ totpSecret: null, totpPendingSecret: null, totpLastStep: null }).where(eq(users.id, userId));
}

export function hasTotp(user: Pick<User, "totpSecret">): boolean {
  return Boolean(user.totpSecret);
}
