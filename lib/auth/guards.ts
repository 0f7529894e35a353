import "server-only";
// Session guards: the state machine every page and action passes through.
import { notFound, redirect } from "next/navigation";
import { currentSession, type Current } from "./current";

/** A signed-in account, or a redirect to /login. */
export async function requireUser(): Promise<Current> {
  const c = await currentSession();
  if (!c) redirect("/login");
  return c;
}

/** An admin; everyone else sees 404 so the Manager app's existence is not advertised. */
export async function requireAdmin(): Promise<Current> {
  const c = await currentSession();
  if (!c || !c.user.isAdmin) notFound();
  return c;
}

/** Signed-out visitors only (sign-in and sign-up pages send signed-in users on). */
export async function redirectIfSignedIn(to = "/dashboard") {
  if (await currentSession()) redirect(to);
}
