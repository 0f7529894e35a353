// POST "Sign in again" (the app asked for a fresh sign-in, or another account should sign in): the
// Latchkey session ends and the sign-in page comes back here.
import { audit } from "@/lib/audit";
import { currentSession } from "@/lib/auth/current";
import { revokeSessionByToken } from "@/lib/auth/sessions";
import { interactionPath, interactionStep } from "@/lib/oidc/interaction";
import { clearedSessionCookie, interactionPost, seeOther } from "@/lib/oidc/respond";

export async function POST(request: Request, { params }: { params: Promise<{ uid: string }> }) {
  const { uid } = await params;
  return interactionPost(uid, async () => {
    const current = await currentSession();
    const step = await interactionStep(request.headers, uid, current);
    if (step.kind === "expired") return seeOther(interactionPath(uid));
    if (current) {
      await revokeSessionByToken(current.token);
      await audit({ action: "signout", userId: current.user.id, actorId: current.user.id, detail: { via: "oidc", reason: "sign in again" } });
    }
    return seeOther(`/login?next=${encodeURIComponent(interactionPath(uid))}`, { "set-cookie": clearedSessionCookie() });
  });
}
