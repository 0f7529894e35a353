import "server-only";
// A4: confirming the account's email address by code or emailed link, and sending those again.
import { and, eq, sql } from "drizzle-orm";
import { users, type User } from "@/db/schema";
import { audit } from "@/lib/audit";
import { consumeCode, consumeLink, type ConsumedCode, type Tx } from "@/lib/codes";
import { deliverCode, reserveCode, type Reservation } from "@/lib/codes/send";
import { confirmEmailTemplate } from "@/lib/delivery/email/templates";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { deliverLater } from "@/lib/delivery/deferred";
import { uniformTime } from "@/lib/uniform-time";
import { findUserByEmail, getUser, normalizeEmail } from "@/lib/accounts/queries";
import { sendActivationLetter } from "@/lib/accounts/activation";

/** Sends the confirmation code and link to the account's address (reserved already, or now). */
export async function sendConfirmationEmail(user: Pick<User, "id" | "name" | "email">, reserved?: Reservation) {
  if (!user.email) throw new UserError(ErrorCodes.NOT_ALLOWED, "This account has no email address.");
  const reservation = reserved ?? (await reserveCode({ purpose: "email_confirm", channel: "email", target: user.email }));
  await deliverCode(reservation, {
    userId: user.id,
    withLink: true,
    template: (code, linkToken) => confirmEmailTemplate({ name: user.name, code, linkToken: linkToken! }),
  });
}

/**
 * Sends a fresh confirmation code to an address. Says nothing about whether the address has an
 * account: unknown and already-confirmed addresses are silently skipped.
 */
export async function resendConfirmationTo(emailInput: string) {
  const email = normalizeEmail(emailInput);
  // Reserved on the address before any lookup, so known and unknown addresses answer alike; with a
  // counter of its own, so the code a sign-up sent a moment ago does not show in the answer.
  const reservation = await reserveCode({ purpose: "email_confirm", channel: "email", target: email, counter: "resend" });
  // The email goes out after the answer, which takes the same time whether or not it is sent.
  await uniformTime("resend confirmation", async () => {
    const user = await findUserByEmail(email);
    if (!user || user.emailVerifiedAt) return false;
    deliverLater("confirmation email", "email", () => sendConfirmationEmail(user, reservation));
    return true;
  });
}

/** Sends the signed-in account a new confirmation code; false when its address needs none (already confirmed). */
export async function resendConfirmationForUser(userId: string): Promise<boolean> {
  const user = await getUser(userId);
  if (!user?.email || user.emailVerifiedAt) return false;
  await sendConfirmationEmail(user);
  return true;
}

/**
 * Marks the address confirmed, in the transaction that consumes the code or link: a failure
 * between the two (the database going away) leaves the code usable, never used up for nothing.
 */
export async function markEmailConfirmed(q: Tx, consumed: ConsumedCode): Promise<User> {
  if (!consumed.userId) throw new UserError(ErrorCodes.INVALID_CODE, "This code is not valid. Ask for a new one.", "code");
  const [u] = await q
    .update(users)
    .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
    .where(and(eq(users.id, consumed.userId), eq(users.email, consumed.target)))
    .returning();
  if (!u) throw new UserError(ErrorCodes.INVALID_CODE, "This code no longer matches the account's email address.", "code");
  return u;
}

/**
 * Confirms an email address with the typed code. Returns the account and whether it was its first
 * confirmation; the first confirmation of an active account sends its activation letter (A3).
 */
export async function confirmEmailWithCode(emailInput: string, code: string) {
  const email = normalizeEmail(emailInput);
  const before = await findUserByEmail(email);
  let user: User | undefined;
  await consumeCode({ purpose: "email_confirm", target: email, code }, async (q, consumed) => {
    user = await markEmailConfirmed(q, consumed);
  });
  await audit({ action: "email.confirmed", userId: user!.id, actorId: user!.id });
  const firstConfirmation = !before?.emailVerifiedAt;
  if (firstConfirmation) await sendActivationLetter(user!);
  return { user: user!, firstConfirmation };
}

export async function confirmEmailWithLink(token: string) {
  let user: User | undefined;
  let before: User | null = null;
  await consumeLink({ purpose: "email_confirm", token }, async (q, consumed) => {
    // Only `q` inside the transaction (embedded Postgres has one connection).
    before = consumed.userId ? ((await q.select().from(users).where(eq(users.id, consumed.userId)).limit(1))[0] ?? null) : null;
    user = await markEmailConfirmed(q, consumed);
  });
  await audit({ action: "email.confirmed", userId: user!.id, actorId: user!.id });
  const firstConfirmation = !(before as User | null)?.emailVerifiedAt;
  if (firstConfirmation) await sendActivationLetter(user!);
  return { user: user!, firstConfirmation };
}
