"use server";
// Passwordless sign-in with a discoverable security key (T7, T10): the ceremony's two calls.
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { createAction, safeNext } from "@/lib/action";
import { passwordlessOptions, signInWithSecurityKey } from "@/lib/auth/security-key-sign-in";
import { clientIp } from "@/lib/request";
import { webauthnResponse } from "@/lib/shared/form-schemas";

export const securityKeyOptionsAction = createAction().json(async () => ({ ok: true, data: await passwordlessOptions(await clientIp()) }));

export const securityKeySignInAction = createAction()
  .schema(z.object({ response: webauthnResponse, next: z.string().max(512).optional() }))
  .json(async (d) => signInWithSecurityKey(d.response as unknown as AuthenticationResponseJSON, safeNext(d.next), await clientIp()));
