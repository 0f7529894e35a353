import "server-only";
// A5: profiles — an account's display names with a type; created at sign-up or by the user, within the admin's limit.
import { and, asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/lib/db";
import { profiles, users, type Profile, type User } from "@/db/schema";
import { audit } from "@/lib/audit";
import { newId } from "./crypto";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { assertAllowed, isAllowed } from "./permissions";
import { getSettings } from "./settings";

export const PROFILE_NAME_MAX = 100;

export const profileNameSchema = z
  .string({ error: "Enter a display name." })
  .trim()
  .min(1, "Enter a display name.")
  .max(PROFILE_NAME_MAX, `Use at most ${PROFILE_NAME_MAX} characters.`);

export const profileTypeSchema = z.string({ error: "Choose a profile type." }).trim().min(1, "Choose a profile type.").max(60, "Choose a profile type.");

function validName(name: string): string {
  const parsed = profileNameSchema.safeParse(name);
  if (!parsed.success) throw new UserError(ErrorCodes.INVALID_INPUT, parsed.error.issues[0]!.message, "name");
  return parsed.data;
}

async function validType(type: string): Promise<string> {
  const { profileTypes } = await getSettings("account");
  const t = type.trim();
  if (!profileTypes.includes(t)) throw new UserError(ErrorCodes.INVALID_INPUT, "Choose one of the profile types.", "type");
  return t;
}

export async function listProfiles(userId: string): Promise<Profile[]> {
  return db.select().from(profiles).where(eq(profiles.userId, userId)).orderBy(asc(profiles.createdAt), asc(profiles.id));
}

export async function countProfiles(userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(profiles).where(eq(profiles.userId, userId));
  return Number(row?.n ?? 0);
}

function limitMessage(limit: number) {
  return limit === 1
    ? "You have reached the limit of 1 profile for an account. Delete it before creating another."
    : `You have reached the limit of ${limit} profiles for an account. Delete one before creating another.`;
}

/**
 * Inserts a profile within the admin's limit (0 = no limit). The account row is locked for the
 * count and the insert, so two requests at once cannot both take the last place.
 */
async function insertWithinLimit(userId: string, name: string, type: string): Promise<Profile> {
  const { profileLimit } = await getSettings("account");
  return db.transaction(async (tx) => {
    const [owner] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update");
    if (!owner) throw new UserError(ErrorCodes.NOT_FOUND, "Account not found.");
    if (profileLimit > 0) {
      const [row] = await tx.select({ n: count() }).from(profiles).where(eq(profiles.userId, userId));
      if (Number(row?.n ?? 0) >= profileLimit) throw new UserError(ErrorCodes.LIMIT_REACHED, limitMessage(profileLimit));
    }
    const [created] = await tx.insert(profiles).values({ id: newId(), userId, name, type }).returning();
    return created!;
  });
}

/** A user creates a profile (guarded for pending accounts, limited by the admin's setting). */
export async function createProfile(userId: string, input: { name: string; type: string }): Promise<Profile> {
  await assertAllowed(userId, "create_profile");
  const name = validName(input.name);
  const type = await validType(input.type);
  const created = await insertWithinLimit(userId, name, type);
  await audit({ action: "profile.created", userId, actorId: userId, detail: { profileId: created.id, type } });
  return created;
}

/**
 * At sign-up (email, phone, admin-created): with *Automatic profile creation from account name* on,
 * the first profile takes the account's name and the default type. Returns null when the setting is off.
 */
export async function createInitialProfile(userId: string, accountName: string): Promise<Profile | null> {
  const { automaticProfileCreation, defaultProfileType } = await getSettings("account");
  if (!automaticProfileCreation) return null;
  const name = accountName.trim().slice(0, PROFILE_NAME_MAX) || "Profile";
  const [created] = await db.insert(profiles).values({ id: newId(), userId, name, type: defaultProfileType }).returning();
  return created!;
}

/** Renames a profile and/or changes its type; only the owner's own profiles. */
export async function updateProfile(userId: string, profileId: string, input: { name: string; type: string }): Promise<Profile> {
  await assertAllowed(userId, "edit_profile");
  const name = validName(input.name);
  const [current] = await db
    .select()
    .from(profiles)
    .where(and(eq(profiles.id, profileId), eq(profiles.userId, userId)));
  if (!current) throw new UserError(ErrorCodes.NOT_FOUND, "This profile no longer exists.");
  // A type the admin has since removed may stay on an existing profile, but not be chosen anew.
  const type = input.type.trim() === current.type ? current.type : await validType(input.type);
  const [updated] = await db
    .update(profiles)
    .set({ name, type, updatedAt: new Date() })
    .where(and(eq(profiles.id, profileId), eq(profiles.userId, userId)))
    .returning();
  if (!updated) throw new UserError(ErrorCodes.NOT_FOUND, "This profile no longer exists.");
  await audit({ action: "profile.updated", userId, actorId: userId, detail: { profileId, type } });
  return updated;
}

export async function deleteProfile(userId: string, profileId: string): Promise<boolean> {
  await assertAllowed(userId, "edit_profile");
  const rows = await db
    .delete(profiles)
    .where(and(eq(profiles.id, profileId), eq(profiles.userId, userId)))
    .returning({ id: profiles.id });
  if (rows.length) await audit({ action: "profile.deleted", userId, actorId: userId, detail: { profileId } });
  return rows.length > 0;
}

/**
 * With automatic profile creation off, an account without a profile must create one before
 * anything else (the guards send it to /first-profile). A pending account that may not create
 * profiles is not held there: it could never leave.
 */
export async function needsFirstProfile(user: Pick<User, "id" | "status">): Promise<boolean> {
  const { automaticProfileCreation } = await getSettings("account");
  if (automaticProfileCreation) return false;
  const [any] = await db.select({ id: profiles.id }).from(profiles).where(eq(profiles.userId, user.id)).limit(1);
  if (any) return false;
  return user.status !== "pending" || isAllowed(user.id, "create_profile");
}
