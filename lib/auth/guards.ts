import "server-only";
// Session guards: the state machine every page and action passes through.
import { cache } from "react";
import { notFound, redirect } from "next/navigation";
import { currentSession, type Current } from "./current";
import { loadPolicy, managerStepUpNeeded } from "@/lib/factors/policy";
import { needsFirstProfile } from "../profiles";

/** Where an account without a profile goes first when profiles are not created automatically (A5). */
export const FIRST_PROFILE_PATH = "/first-profile";

// Layout and page both guard: ask once per request.
const mustCreateFirstProfile = cache((id: string, status: "active" | "pending" | "blocked") => needsFirstProfile({ id, status }));

/**
 * A signed-in account, or a redirect to /login. An account that must create its first profile is
 * sent to do so, except from the pages that take part in finishing sign-up (`allowWithoutProfile`).
 */
export async function requireUser(opts: { allowWithoutProfile?: boolean } = {}): Promise<Current> {
  const c = await currentSession();
  if (!c) redirect("/login");
  if (!opts.allowWithoutProfile && (await mustCreateFirstProfile(c.user.id, c.user.status))) redirect(FIRST_PROFILE_PATH);
  return c;
}

/**
 * An admin; everyone else sees 404 so the Manager app's existence is not advertised. When the
 * Manager app requires 2FA and this session has not passed one, the admin is sent to verify (T6).
 */
export async function requireAdmin(): Promise<Current> {
  const c = await currentSession();
  const standing = await adminStanding(c);
  if (standing === "not admin") notFound();
  if (standing === "second step") redirect("/login/verify");
  if (await mustCreateFirstProfile(c!.user.id, c!.user.status)) redirect(FIRST_PROFILE_PATH);
  return c!;
}

/**
 * Whether a session may use the Manager app now: the rule of `requireAdmin` and of admin actions.
 * "second step" when the Manager app asks for a second factor this session has not passed (T6).
 */
export async function adminStanding(c: Current | null): Promise<"admin" | "not admin" | "second step"> {
  if (!c || !c.user.isAdmin) return "not admin";
  if (managerStepUpNeeded(c.user, await loadPolicy(), c.session.secondFactorAt)) return "second step";
  return "admin";
}

/** Signed-out visitors only (sign-in and sign-up pages send signed-in users on). */
export async function redirectIfSignedIn(to = "/dashboard") {
  if (await currentSession()) redirect(to);
}
