// POST "Allow" / "Deny" on the consent page; 303 back into the authorization (or to the app with access_denied).
import { z } from "zod";
import { currentSession } from "@/lib/auth/current";
import { finishConsent, interactionPath } from "@/lib/oidc/interaction";
import { interactionPost, seeOther } from "@/lib/oidc/respond";

const schema = z.object({ decision: z.enum(["allow", "deny"]) });

export async function POST(request: Request, { params }: { params: Promise<{ uid: string }> }) {
  const { uid } = await params;
  return interactionPost(uid, async () => {
    const form = await request.formData().catch(() => new FormData());
    const parsed = schema.safeParse({ decision: form.get("decision") });
    if (!parsed.success) return seeOther(interactionPath(uid));
    return seeOther(await finishConsent(request.headers, uid, await currentSession(), parsed.data.decision === "allow"));
  });
}
