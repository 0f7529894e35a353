import "server-only";
// A2, A3: activating a pending account, and the activation letter, sent once per account.
import { and, eq, isNull } from "drizzle-orm";
import { db } from "@/lib/db";
import { users, type User } from "@/db/schema";
import { audit } from "@/lib/audit";
import { sendEmail } from "@/lib/delivery/email";
import { activationLetterTemplate } from "@/lib/delivery/email/templates";
import { getSettings } from "@/lib/settings";

/**
 * A3: the activation letter, once per account (claimed atomically, so an admin's activation and a
 * later confirmation never both send it). Informational: a failure is logged, the activation stands.
 */
export async function sendActivationLetter(user: Pick<User, "id" | "name" | "email">) {
  try {
    const { activationLetter } = await getSettings("account");
    if (!activationLetter || !user.email) return;
    const [claimed] = await db
      .update(users)
      .set({ activationLetterSentAt: new Date() })
      .where(and(eq(users.id, user.id), isNull(users.activationLetterSentAt), eq(users.status, "active")))
      .returning({ id: users.id });
    if (!claimed) return;
    await sendEmail({ to: user.email, ...(await activationLetterTemplate({ name: user.name })) });
  } catch (err) {
    console.error("activation letter not sent", err instanceof Error ? err.message : err);
  }
}
export async function activateAccount(userId: string, actorId: string | null) {
  const [u] = await db
    .update(users)
    .set({ status: "active", activatedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.status, "pending")))
    .returning();
  if (!u) return false;
  await audit({ action: "account.activated", userId, actorId });
  await sendActivationLetter(u);
  return true;
}
