import "server-only";
// The interim state between the factors (T3, T5, B4): a signed cookie pointing at a challenge row, used once; its failures.
import { and, eq, isNull, gt, sql } from "drizzle-orm";
import { db, type Db as Tx } from "@/lib/db";
import { signInChallenges, users, type User } from "@/db/schema";
import { audit } from "@/lib/audit";
import { hashSecret, randomToken } from "@/lib/crypto";
import { sendSecurityNotice } from "@/lib/delivery/notices";
import { twoFactorFailuresTemplate } from "@/lib/delivery/email/templates";
import { z } from "zod";
import { defineFlow } from "@/lib/flows";
import { loadPolicy, managerStepUpNeeded, type Surface } from "@/lib/factors/policy";
import type { Current } from "@/lib/auth/current";

const CHALLENGE_TTL_SECONDS = 10 * 60;
/** The browser's pending sign-in: the challenge's token (its row holds only the hash). */
const challengeFlow = defineFlow({ name: "two_factor", ttlSeconds: CHALLENGE_TTL_SECONDS, schema: z.object({ t: z.string().min(1) }) });
export const FAILURES_BEFORE_CONTACT = 3;

export type Challenge = typeof signInChallenges.$inferSelect;

/** A pending sign-in about to be stored: the random token (for the cookie) and its row. */
export type NewChallenge = { token: string; values: typeof signInChallenges.$inferInsert };

export function newChallenge(input: { userId: string; firstFactor: string; surface: Surface; next: string }): NewChallenge {
  const token = randomToken(32);
  return {
    token,
    values: {
      id: hashSecret(`challenge:${token}`),
      userId: input.userId,
      firstFactor: input.firstFactor,
      surface: input.surface,
      next: input.next,
      expiresAt: new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000),
    },
  };
}

/** Writes a new challenge's row, with `q` inside the first factor's transaction; its cookie is set after the commit. */
export async function writeChallenge(c: NewChallenge, q: Tx = db) {
  await q.insert(signInChallenges).values(c.values);
}

/** Points this browser at a written challenge. */
export async function setChallengeCookie(c: NewChallenge) {
  await challengeFlow.set({ t: c.token });
}

export async function createChallenge(input: { userId: string; firstFactor: string; surface: Surface; next: string }) {
  const c = newChallenge(input);
  await writeChallenge(c);
  await setChallengeCookie(c);
}

/**
 * An admin's session whose Manager app asks for a second factor starts a challenge for it (T6).
 * Returns false when none is needed (the session already passed one, or the policy does not ask).
 */
export async function startManagerStepUp(c: Current): Promise<boolean> {
  if (!managerStepUpNeeded(c.user, await loadPolicy(), c.session.secondFactorAt)) return false;
  // The session's own first factor names the new session ("password+totp"), as at sign-in.
  await createChallenge({ userId: c.user.id, firstFactor: c.session.method ?? "session", surface: "manager", next: "/admin" });
  return true;
}

/** The pending challenge of this browser with its account, or null (expired, completed, unknown). */
export async function currentChallenge(): Promise<{ challenge: Challenge; user: User } | null> {
  const flow = await challengeFlow.read();
  if (!flow) return null;
  const [row] = await db
    .select({ challenge: signInChallenges, user: users })
    .from(signInChallenges)
    .innerJoin(users, eq(users.id, signInChallenges.userId))
    .where(and(eq(signInChallenges.id, hashSecret(`challenge:${flow.t}`)), isNull(signInChallenges.completedAt), gt(signInChallenges.expiresAt, new Date())))
    .limit(1);
  if (!row || row.user.status === "blocked") return null;
  return row;
}

/** Marks the challenge used (once: parallel completions give one winner), with `q` inside the sign-in's transaction. */
export async function completeChallenge(challengeId: string, q: Tx = db): Promise<boolean> {
  const rows = await q
    .update(signInChallenges)
    .set({ completedAt: new Date() })
    .where(and(eq(signInChallenges.id, challengeId), isNull(signInChallenges.completedAt)))
    .returning({ id: signInChallenges.id });
  return rows.length > 0;
}

/** Forgets this browser's pending sign-in (its cookie): after it finished, or when the visitor gives up. */
export async function clearChallengeCookie() {
  await challengeFlow.clear();
}

/** Counts a failed second factor; at the third, audits it and emails the contact person and admins (T5). */
export async function recordFailure(challenge: Challenge, user: User, method: string, ip: string | null): Promise<number> {
  const [row] = await db
    .update(signInChallenges)
    .set({ failedAttempts: sql`${signInChallenges.failedAttempts} + 1` })
    .where(eq(signInChallenges.id, challenge.id))
    .returning({ failedAttempts: signInChallenges.failedAttempts });
  const failures = row?.failedAttempts ?? challenge.failedAttempts + 1;
  await audit({ action: "two_factor.failed", userId: user.id, actorId: user.id, ip, detail: { method, attempt: failures } });
  if (failures === FAILURES_BEFORE_CONTACT) {
    await audit({ action: "two_factor.failed_3_times", userId: user.id, actorId: user.id, ip, detail: { method } });
    const policy = await loadPolicy();
    const admins = await db
      .select({ email: users.email })
      .from(users)
      .where(and(eq(users.isAdmin, true), sql`${users.email} is not null`));
    const to = new Set([policy.contactEmail, ...admins.map((a) => a.email)].filter((e): e is string => Boolean(e)));
    const message = await twoFactorFailuresTemplate({ account: user.email ?? user.phone ?? user.id, when: new Date().toISOString() });
    await Promise.all([...to].map((address) => sendSecurityNotice({ userId: user.id, to: address, kind: "two_factor_failures", message })));
  }
  return failures;
}
