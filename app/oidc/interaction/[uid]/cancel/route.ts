// POST "Cancel" / "Back to the app": the app receives access_denied.
import { currentSession } from "@/lib/auth/current";
import { abortInteraction, interactionPath, interactionStep } from "@/lib/oidc/interaction";
import { interactionPost, seeOther } from "@/lib/oidc/respond";

export async function POST(request: Request, { params }: { params: Promise<{ uid: string }> }) {
  const { uid } = await params;
  return interactionPost(uid, async () => {
    const step = await interactionStep(request.headers, uid, await currentSession());
    if (step.kind === "expired") return seeOther(interactionPath(uid));
    const description = step.kind === "pending" ? "the account awaits activation" : "End-User cancelled the sign-in";
    return seeOther(await abortInteraction(request.headers, uid, "access_denied", description));
  });
}
