import "server-only";
// A2: the Pending permission set — which guarded actions an account in `pending` status may perform.
// Enforced here, inside the lib functions that perform them; the UI only mirrors it.
import { eq } from "drizzle-orm";
import { db } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { getSettings, type PendingPermissions } from "./settings";
import { loadPolicy, needsSecondFactor } from "@/lib/factors/policy";

export type GuardedAction = keyof PendingPermissions;

/** Every guarded action, in the order the admin page lists them, with the words used in messages. */
export const GUARDED_ACTIONS: ReadonlyArray<{ key: GuardedAction; label: string; refusal: string }> = [
  { key: "create_profile", label: "Create a profile", refusal: "create a profile" },
  { key: "edit_profile", label: "Edit a profile (rename, change its type or delete it)", refusal: "change your profiles" },
  { key: "change_phone", label: "Add or change the phone number", refusal: "add or change your phone number" },
  { key: "enable_2fa", label: "Enable two-step verification (set up a method)", refusal: "set up two-step verification" },
  { key: "create_api_token", label: "Create an API token", refusal: "create API tokens" },
  { key: "use_apps", label: "Sign in to other apps with Latchkey (OpenID Connect)", refusal: "sign in to other apps with Latchkey" },
];

type Subject = Pick<User, "id" | "status" | "phoneVerifiedAt" | "isAdmin" | "twoFactorWeb" | "twoFactorManager" | "primaryMethod">;

async function load(user: string | { id: string }): Promise<Subject | null> {
  const id = typeof user === "string" ? user : user.id;
  // Read fresh: the caller's copy of the account may predate an activation or a status change.
  const [row] = await db
    .select({
      id: users.id,
      status: users.status,
      phoneVerifiedAt: users.phoneVerifiedAt,
      isAdmin: users.isAdmin,
      twoFactorWeb: users.twoFactorWeb,
      twoFactorManager: users.twoFactorManager,
      primaryMethod: users.primaryMethod,
    })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  return row ?? null;
}

/** Whether the account may perform `action` now. Active accounts may do everything. */
export async function isAllowed(user: string | { id: string }, action: GuardedAction): Promise<boolean> {
  const subject = await load(user);
  if (!subject || subject.status === "blocked") return false;
  if (subject.status !== "pending") return true;
  const set = await getSettings("pendingPermissions");
  if (set[action]) return true;
  // What the rules in force require of the account is never refused: otherwise it could not finish
  // signing up or signing in.
  if (action === "change_phone" && !subject.phoneVerifiedAt) {
    // Confirming the phone the confirmation mode asks for.
    const { confirmationMode } = await getSettings("account");
    if (confirmationMode === "phone" || confirmationMode === "both") return true;
  }
  if (action === "enable_2fa" && !subject.primaryMethod) {
    // Setting up the first method when the policy requires a second step of this account.
    const policy = await loadPolicy();
    if (needsSecondFactor(subject, policy, "manager")) return true;
  }
  return false;
}

/** Throws a UserError saying the account awaits activation when a pending account may not perform `action`. */
export async function assertAllowed(user: string | { id: string }, action: GuardedAction): Promise<void> {
  if (await isAllowed(user, action)) return;
  const subject = await load(user);
  if (!subject) throw new UserError(ErrorCodes.NOT_FOUND, "Account not found.");
  if (subject.status === "blocked") throw new UserError(ErrorCodes.ACCOUNT_BLOCKED, "This account is blocked. Contact your administrator.");
  const what = GUARDED_ACTIONS.find((a) => a.key === action)?.refusal ?? "do this";
  throw new UserError(ErrorCodes.ACCOUNT_PENDING, `Your account is awaiting activation by an administrator. Until it is activated you cannot ${what}.`);
}

/** The pending set, for pages that hide what a pending account may not do. */
export async function pendingPermissions(): Promise<PendingPermissions> {
  return getSettings("pendingPermissions");
}
