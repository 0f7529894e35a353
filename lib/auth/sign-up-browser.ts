import "server-only";
// Which browser signed up with which address: confirming that address from the same browser signs
// the new account in (code or emailed link); from anywhere else it only confirms it (A4).
import { z } from "zod";
import { defineFlow } from "@/lib/flows";
import { normalizeEmail } from "@/lib/accounts/queries";

const signUpFlow = defineFlow({ name: "signup", ttlSeconds: 24 * 3600, schema: z.object({ email: z.string() }) });

/** Set after every sign-up answer, whether or not the address was new (the cookie reveals nothing). */
export async function rememberSignUp(email: string) {
  await signUpFlow.set({ email: normalizeEmail(email) });
}

/** Whether this browser signed up with `email`; the mark is used once. */
export async function takeSignUpMark(email: string | null): Promise<boolean> {
  const flow = await signUpFlow.read();
  if (!flow || !email || flow.email !== normalizeEmail(email)) return false;
  await signUpFlow.clear();
  return true;
}
