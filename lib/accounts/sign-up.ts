import "server-only";
// A1: email sign-up. The answer never says whether the address already had an account.
import { insertAccount } from "@/lib/accounts/create";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db";
import { users } from "@/db/schema";
import { audit } from "@/lib/audit";
import { sendEmail } from "@/lib/delivery/email";
import { signupAttemptTemplate } from "@/lib/delivery/email/templates";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { hashPassword, passwordProblem } from "@/lib/passwords";
import { hit, retryAfterText } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";
import { getSettings } from "@/lib/settings";
import { createInitialProfile } from "@/lib/profiles";
import { uniformTime } from "@/lib/uniform-time";
import { confirmsEmail, findUserByEmail, normalizeEmail } from "@/lib/accounts/queries";
import { sendActivationLetter } from "@/lib/accounts/activation";
import { sendConfirmationEmail } from "@/lib/accounts/confirm-email";

/** What the visitor is told after signing up, by confirmation mode (the same whether or not the address was new). */
export type SignUpNext = "check-email" | "sign-in" | "confirm-phone";

/**
 * Email sign-up (A1). The reply never says whether the address already has an account: a known
 * address gets a "someone tried to register" email instead of an account. A new one gets the
 * confirmation code and link when the mode confirms email (A4); with "none" or "phone" no
 * confirmation email is sent. An automatically activated account gets its activation letter (A3)
 * once nothing is left to confirm by email, so never together with the confirmation code. Both
 * paths hash the password and are held to the same answer time (lib/uniform-time.ts).
 */
export async function signUpWithEmail(input: { name: string; email: string; password: string; ip?: string | null }): Promise<SignUpNext> {
  const email = normalizeEmail(input.email);
  const problem = passwordProblem(input.password, email);
  if (problem) throw new UserError(ErrorCodes.WEAK_PASSWORD, problem, "password");
  if (input.ip) {
    const r = await hit(LIMITS.signUpPerIp(input.ip));
    if (!r.success) throw new UserError(ErrorCodes.RATE_LIMITED, `Too many sign-ups from your network. Try again in ${retryAfterText(r.resetAt)}.`);
  }
  const settings = await getSettings("account");
  const mode = settings.confirmationMode;
  // Both answers report a failed delivery the same way and take the same time: a new account's
  // extra work sets the pace for both.
  await uniformTime("signup", async () => {
    const passwordHash = await hashPassword(input.password);
    const existing = await findUserByEmail(email);
    if (existing) {
      await notifySignupAttempt(email);
      return false;
    }
    const active = settings.automaticActivation;
    const inserted = await insertAccount({ name: input.name, email, passwordHash, active });
    if (!inserted) {
      // Lost a race with another sign-up for the same address: same answer as an existing account.
      await notifySignupAttempt(email);
      return false;
    }
    const { id } = inserted;
    const user = { id, name: inserted.name, email };
    try {
      await createInitialProfile(id, user.name);
      if (confirmsEmail(mode)) await sendConfirmationEmail(user);
    } catch (err) {
      // No half account: without the confirmation email the sign-up is undone (its profile with it) and can be retried.
      await db.delete(users).where(eq(users.id, id));
      throw err;
    }
    await audit({ action: "account.created", userId: id, actorId: id, ip: input.ip, detail: { method: "email", status: active ? "active" : "pending" } });
    if (active && !confirmsEmail(mode)) await sendActivationLetter(user);
    return true;
  });
  return confirmsEmail(mode) ? "check-email" : mode === "phone" ? "confirm-phone" : "sign-in";
}

export async function notifySignupAttempt(email: string) {
  // A victim's inbox must not be floodable through the sign-up form: at most a few notices an hour.
  const r = await hit(LIMITS.signUpNoticesPerAddress(email));
  if (!r.success) return;
  await sendEmail({ to: email, ...(await signupAttemptTemplate()) });
}
