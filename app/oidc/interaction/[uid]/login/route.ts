// POST "Continue as …": the Latchkey session signs in to the app; 303 back into the authorization.
import { currentSession } from "@/lib/auth/current";
import { finishLogin } from "@/lib/oidc/interaction";
import { interactionPost, seeOther } from "@/lib/oidc/respond";

export async function POST(request: Request, { params }: { params: Promise<{ uid: string }> }) {
  const { uid } = await params;
  return interactionPost(uid, async () => seeOther(await finishLogin(request.headers, uid, await currentSession())));
}
