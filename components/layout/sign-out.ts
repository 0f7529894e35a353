"use server";
import { signOutCurrent } from "@/lib/auth/sign-in";

export async function signOutAction() {
  await signOutCurrent();
}
