import "server-only";
// Writing a new account's row: the one place that decides its starting status and two-step switches.
import { db } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { newId } from "@/lib/crypto";
import { newAccountTwoFactorDefaults } from "@/lib/factors/policy";

export type NewAccount = {
  name: string;
  email?: string | null;
  passwordHash?: string | null;
  /** Active at once (automatic activation, or made by an admin), or pending the admin's activation. */
  active: boolean;
  emailConfirmed?: boolean;
  /** E.164, already proven (by a code, or typed by an admin). */
  phone?: string | null;
  isAdmin?: boolean;
};

/**
 * Inserts the account; null when its email or phone is already taken (the unique indexes settle a
 * race between two sign-ups), so each caller answers that in its own words.
 */
export async function insertAccount(a: NewAccount): Promise<User | null> {
  const now = new Date();
  const [row] = await db
    .insert(users)
    .values({
      id: newId(),
      name: a.name.trim(),
      email: a.email ?? null,
      passwordHash: a.passwordHash ?? null,
      status: a.active ? "active" : "pending",
      activatedAt: a.active ? now : null,
      emailVerifiedAt: a.emailConfirmed ? now : null,
      phone: a.phone ?? null,
      phoneVerifiedAt: a.phone ? now : null,
      isAdmin: a.isAdmin ?? false,
      ...(await newAccountTwoFactorDefaults()),
    })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}
