import "server-only";
// Who may call an action: each guard resolves its context or refuses with a UserError the builder shows.
import { adminStanding } from "@/lib/auth/guards";
import { currentSession, type Current } from "@/lib/auth/current";
import { currentChallenge, type Challenge } from "@/lib/factors/challenge";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import type { User } from "@/db/schema";

export type Guard<C> = { name: string; resolve: () => Promise<C> };

/** Anyone, signed in or not (sign-up, sign-in, recovery). */
export const anyone: Guard<null> = { name: "anyone", resolve: async () => null };

/** A signed-in account. */
export const signedIn: Guard<Current> = {
  name: "signedIn",
  async resolve() {
    const c = await currentSession();
    if (!c) throw new UserError(ErrorCodes.NOT_ALLOWED, "Your session has ended. Please sign in again.");
    return c;
  },
};

/** An admin who may use the Manager app now: the rule `requireAdmin` applies to its pages. */
export const admin: Guard<Current> = {
  name: "admin",
  async resolve() {
    const c = await currentSession();
    if (!c) throw new UserError(ErrorCodes.NOT_ALLOWED, "Your session has ended. Please sign in again.");
    const standing = await adminStanding(c);
    if (standing === "not admin") throw new UserError(ErrorCodes.NOT_ALLOWED, "Not found.");
    if (standing === "second step") throw new UserError(ErrorCodes.NOT_ALLOWED, "The Manager app asks for a second factor. Reload the page to verify.");
    return c;
  },
};

/** A visitor between the first factor and the second: the sign-in's challenge and its account. */
export const pendingSignIn: Guard<{ challenge: Challenge; user: User }> = {
  name: "pendingSignIn",
  async resolve() {
    const ctx = await currentChallenge();
    if (!ctx) throw new UserError(ErrorCodes.CODE_EXPIRED, "This sign-in has expired. Sign in again.");
    return ctx;
  },
};
