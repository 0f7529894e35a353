import "server-only";
// Session guards: the state machine every page and action passes through.
import { notFound, redirect } from "next/navigation";
import { currentSession, type Current } from "./current";
import { loadPolicy, managerStepUpNeeded } from "../two-factor";

/** A signed-in account, or a redirect to /login. */
export async function requireUser(): Promise<Current> {
  const c = await currentSession();
  if (!c) redirect("/login");
  return c;
}

/**
 * An admin; everyone else sees 404 so the Manager app's existence is not advertised. When the
 * Manager app requires 2FA and this session has not passed one, the admin is sent to verify (T6).
 */
export async function requireAdmin(): Promise<Current> {
  const c = await currentSession();
  if (!c || !c.user.isAdmin) notFound();
  if (managerStepUpNeeded(c.user, await loadPolicy(), c.session.managerVerifiedAt)) redirect("/login/verify");
  return c;
}

/** Signed-out visitors only (sign-in and sign-up pages send signed-in users on). */
export async function redirectIfSignedIn(to = "/dashboard") {
  if (await currentSession()) redirect(to);
}
