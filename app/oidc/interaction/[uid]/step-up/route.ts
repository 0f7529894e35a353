// POST "Continue" when the app asks for two-step verification: to the second step of sign-in.
import { currentSession } from "@/lib/auth/current";
import { interactionPath, interactionStep } from "@/lib/oidc/interaction";
import { interactionPost, seeOther } from "@/lib/oidc/respond";
import { beginStepUp } from "@/lib/oidc/step-up";

export async function POST(request: Request, { params }: { params: Promise<{ uid: string }> }) {
  const { uid } = await params;
  return interactionPost(uid, async () => {
    const current = await currentSession();
    const step = await interactionStep(request.headers, uid, current);
    if (step.kind !== "step_up" || !step.bySecondStep || !current) return seeOther(interactionPath(uid));
    return seeOther(await beginStepUp(current, uid));
  });
}
