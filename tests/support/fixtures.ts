// Named helpers for integration tests. State is created through lib functions; the only direct
// table writes move time (expiry, activity), which a test cannot wait for.
import { randomBytes } from "node:crypto";
import { eq, like } from "drizzle-orm";
import { db } from "@/lib/db";
import { codes, rateLimits, sessions, users } from "@/db/schema";
import { createAccountByAdmin } from "@/lib/accounts/admin";
import { RESEND_COOLDOWN_SECONDS } from "@/lib/codes";
import { LIMITS } from "@/lib/limits/catalogue";
import { clear } from "@/lib/limits/store";
import { createSession } from "@/lib/auth/sessions";
import { hashSecret } from "@/lib/crypto";
import { listOutbox } from "@/lib/delivery/outbox";
import { getSettings, updateSettings, type AccountSettings } from "@/lib/settings";

export const PASSWORD = "correct horse battery staple";

/** A signed-out browser that solved the proof of work, with a browser id no other call shares. */
export const smsClient = () => ({ browserId: `test-browser-${randomBytes(6).toString("hex")}`, pow: "verified" as const });

/** An address no other test in the file (or run) uses. */
export const uniqueEmail = (label = "user") => `${label}-${randomBytes(5).toString("hex")}@example.test`;

/** An active account with a confirmed email, created the way an admin creates one. */
export async function createUser(overrides: { email?: string; password?: string; name?: string; isAdmin?: boolean } = {}) {
  return createAccountByAdmin({
    name: overrides.name ?? "Test User",
    email: overrides.email ?? uniqueEmail(),
    password: overrides.password ?? PASSWORD,
    emailConfirmed: true,
    isAdmin: overrides.isAdmin ?? false,
    actorId: null,
  });
}

/** A session as the browser gets it (the token its cookie carries). */
export async function signedInSession(userId: string, meta: { userAgent?: string; ip?: string } = {}) {
  return createSession(userId, meta);
}

/** The stored id of a session token (what lib/auth/current.ts derives from the cookie). */
export const sessionIdOf = (token: string) => hashSecret(`session:${token}`);

/** Changes some account settings, keeping the others as they are. */
export async function setAccountSettings(patch: Partial<AccountSettings>) {
  const current = await getSettings("account");
  return updateSettings("account", { ...current, ...patch }, null);
}

export async function emailsTo(address: string) {
  return (await listOutbox(address)).filter((m) => m.channel === "email");
}

/** The newest confirmation email to `address`, with the code and link token it carries. */
export async function latestConfirmation(address: string) {
  const mail = (await emailsTo(address)).find((m) => m.subject?.startsWith("Your Latchkey confirmation code"));
  if (!mail) throw new Error(`no confirmation email to ${address}`);
  const code = /Your confirmation code is (\d{6})\./.exec(mail.body)?.[1];
  const token = /\/confirm\/email\?token=([A-Za-z0-9_-]+)/.exec(mail.body)?.[1];
  if (!code || !token) throw new Error(`confirmation email without code or link: ${mail.body}`);
  return { mail, code, token };
}

export async function userRow(email: string) {
  const [u] = await db.select().from(users).where(eq(users.email, email));
  return u ?? null;
}

export async function sessionRow(token: string) {
  const [s] = await db
    .select()
    .from(sessions)
    .where(eq(sessions.id, sessionIdOf(token)));
  return s ?? null;
}

// ——— moving time ———

export async function ageCode(id: string, fields: { expiresAt?: Date; createdAt?: Date }) {
  const [row] = await db.update(codes).set(fields).where(eq(codes.id, id)).returning({ purpose: codes.purpose, target: codes.target });
  // Moved past the resend cooldown: its atomic claim (a 30-second limit) has lapsed too.
  if (row && fields.createdAt && Date.now() - fields.createdAt.getTime() >= RESEND_COOLDOWN_SECONDS * 1000) {
    await clear(LIMITS.codeCooldown(row.purpose, row.target));
  }
}

/** Every code moved a minute back, past the resend cooldown (and its atomic claim), as time would. */
export async function passResendCooldowns() {
  // eslint-disable-next-line drizzle/enforce-update-with-where -- every code, on purpose
  await db.update(codes).set({ createdAt: minutesAgo(1) });
  await db.delete(rateLimits).where(like(rateLimits.key, "code-cooldown:%"));
}

export async function ageSession(token: string, fields: { expiresAt?: Date; lastActiveAt?: Date; createdAt?: Date }) {
  await db
    .update(sessions)
    .set(fields)
    .where(eq(sessions.id, sessionIdOf(token)));
}

export const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
