import "server-only";
// Two-step verification asked by an app (acr_values, or the app's own setting) for a session that
// signed in with one factor: the existing second step of the sign-in flow, back to the interaction after.
import type { Current } from "@/lib/auth/current";
import { startSession } from "@/lib/auth/sign-in";
import { isTrustedDevice } from "@/lib/factors/trusted-devices";
import { createChallenge } from "@/lib/factors/challenge";
import { interactionPath, stepUpMethods } from "./interaction";

/**
 * A trusted device counts as the second step, as it does at sign-in (a new session is opened and the
 * browser redirected); otherwise the person is sent to /login/verify and comes back here after it,
 * shown first a method that adds a factor (after a phone-code sign-in, not an SMS code again).
 */
export async function beginStepUp(current: Current, uid: string): Promise<string> {
  const next = interactionPath(uid);
  const method = current.session.method ?? "session";
  if (await isTrustedDevice(current.user.id)) await startSession(current.user.id, next, `${method}+trusted_device`, { secondFactor: true });
  await createChallenge({ userId: current.user.id, firstFactor: method, surface: "web", next });
  const {
    adding: [first],
    primary,
  } = await stepUpMethods(current);
  return !first || first === primary ? "/login/verify" : `/login/verify?method=${first}`;
}
