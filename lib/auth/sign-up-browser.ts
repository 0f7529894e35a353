import "server-only";
// Which browser signed up with which address: confirming that address from the same browser signs
// the new account in (code or emailed link); from anywhere else it only confirms it (A4).
import { clearFlow, readFlow, setFlow } from "@/lib/flows";
import { normalizeEmail } from "@/lib/accounts/queries";

const FLOW = "signup";
const TTL_SECONDS = 24 * 3600;

/** Set after every sign-up answer, whether or not the address was new (the cookie reveals nothing). */
export async function rememberSignUp(email: string) {
  await setFlow(FLOW, { email: normalizeEmail(email) }, TTL_SECONDS);
}

/** Whether this browser signed up with `email`; the mark is used once. */
export async function takeSignUpMark(email: string | null): Promise<boolean> {
  const flow = await readFlow<{ email: string }>(FLOW);
  if (!flow || !email || flow.email !== normalizeEmail(email)) return false;
  await clearFlow(FLOW);
  return true;
}
