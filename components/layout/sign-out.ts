"use server";
// "Sign out" in the header and on the first-profile page: ends this browser's session.
import { createAction } from "@/lib/action";
import { signOutCurrent } from "@/lib/auth/sign-in";

export const signOutAction = createAction().form(async () => {
  await signOutCurrent();
});
