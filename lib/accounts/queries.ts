import "server-only";
// Looking accounts up (by email, confirmed phone, id) and what the confirmation mode in force asks of one (A4).
import { and, eq, sql } from "drizzle-orm";
import { db } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { type ConfirmationMode } from "@/lib/settings";

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** The account with this email address, as a condition on `users` (for a query that reads more at once). */
export const accountByEmail = (email: string) => eq(users.email, normalizeEmail(email));
/** The account whose confirmed phone is this number, as a condition on `users`. */
export const accountByConfirmedPhone = (phone: string) => and(eq(users.phone, phone), sql`${users.phoneVerifiedAt} is not null`)!;

export async function findUserByEmail(email: string): Promise<User | null> {
  const [u] = await db.select().from(users).where(accountByEmail(email)).limit(1);
  return u ?? null;
}

export async function findUserByConfirmedPhone(phone: string): Promise<User | null> {
  const [u] = await db.select().from(users).where(accountByConfirmedPhone(phone)).limit(1);
  return u ?? null;
}

export async function getUser(id: string): Promise<User | null> {
  const [u] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return u ?? null;
}

/** What the confirmation mode in force still asks of this account. */
export function confirmationNeeds(user: Pick<User, "emailVerifiedAt" | "phoneVerifiedAt">, mode: ConfirmationMode) {
  return {
    email: (mode === "email" || mode === "both") && !user.emailVerifiedAt,
    phone: (mode === "phone" || mode === "both") && !user.phoneVerifiedAt,
  };
}
/** Whether the confirmation mode asks new accounts to confirm their email address by code and link. */
export const confirmsEmail = (mode: ConfirmationMode) => mode === "email" || mode === "both";
