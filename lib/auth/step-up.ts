import "server-only";
// B3: changing the email, the phone, the password or a two-step method needs a sign-in within the
// last 15 minutes; otherwise the user confirms the password again first.
import { audit } from "@/lib/audit";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { z } from "zod";
import { defineFlow } from "@/lib/flows";
import { verifyPassword } from "../passwords";
import { hit, peek, retryAfterText } from "@/lib/limits/store";
import { LIMITS } from "@/lib/limits/catalogue";
import type { Current } from "./current";

export const STEP_UP_SECONDS = 15 * 60;
/** This session's password, typed again, and when. */
const reauthFlow = defineFlow({ name: "reauth", ttlSeconds: STEP_UP_SECONDS, schema: z.object({ s: z.string(), at: z.number() }) });

/** The last time this session proved the account holder: its sign-in, a second factor, or a password re-entered here. */
export async function lastAuthenticatedAt(c: Current): Promise<number> {
  const s = c.session;
  const times = [s.createdAt, s.secondFactorAt].filter((d): d is Date => d instanceof Date).map((d) => d.getTime());
  const flow = await reauthFlow.read();
  if (flow && flow.s === c.sessionId) times.push(flow.at);
  return Math.max(...times);
}

export async function stepUpNeeded(c: Current, now = Date.now()): Promise<boolean> {
  return now - (await lastAuthenticatedAt(c)) > STEP_UP_SECONDS * 1000;
}

export async function assertRecentSignIn(c: Current): Promise<void> {
  if (await stepUpNeeded(c)) {
    throw new UserError(
      ErrorCodes.STEP_UP_REQUIRED,
      c.user.passwordHash
        ? "For your security, confirm your password (at the top of this page) before making this change."
        : "For your security, sign in again before making this change.",
    );
  }
}

/** The password, typed again, renews the 15 minutes for this session. */
export async function confirmPassword(c: Current, password: string): Promise<void> {
  if (!c.user.passwordHash) throw new UserError(ErrorCodes.NOT_ALLOWED, "This account has no password: sign in again instead.");
  const limit = LIMITS.stepUpFailures(c.user.id);
  const open = await peek(limit);
  if (!open.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many wrong passwords. Try again in ${retryAfterText(open.resetAt)}.`, "password");
  const ok = await verifyPassword(c.user.passwordHash, password, c.user.id);
  if (!ok) {
    const r = await hit(limit);
    await audit({ action: "reauth.failed", userId: c.user.id, actorId: c.user.id });
    if (!r.success) throw new UserError(ErrorCodes.TOO_MANY_ATTEMPTS, `Too many wrong passwords. Try again in ${retryAfterText(r.resetAt)}.`, "password");
    throw new UserError(ErrorCodes.WRONG_PASSWORD, "That password is not right.", "password");
  }
  await reauthFlow.set({ s: c.sessionId, at: Date.now() });
  await audit({ action: "reauth.succeeded", userId: c.user.id, actorId: c.user.id });
}
