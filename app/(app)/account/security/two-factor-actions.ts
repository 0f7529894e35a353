"use server";
// The security tab's two-step section (T7) and trusted devices (T4).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { createAction, signedIn, type ActionResult } from "@/lib/action";
import { checkbox, codeField, webauthnResponse, type NewRecoveryCodes, type TotpSecret } from "@/lib/shared/form-schemas";
import { beginTotpEnrolment } from "@/lib/factors/totp";
import { revokeTrustedDevice } from "@/lib/factors/trusted-devices";
import { TWO_FACTOR_METHODS } from "@/lib/settings";
import { addSecurityKey, confirmTotpMethod, type EnrolmentResult, confirmEmailMethod, startEmailMethod } from "@/lib/factors/enrol";
import { choosePrimaryAndBackup, regenerateRecoveryCodes, removeMethod, setTwoFactorFor } from "@/lib/factors/manage";
import { registrationOptions, renameCredential } from "@/lib/factors/webauthn";
import { assertRecentSignIn } from "@/lib/auth/step-up";
import { cooldownEnd } from "@/lib/codes/send";

const done = (message: string, codes?: string[] | null): ActionResult<NewRecoveryCodes> => {
  revalidatePath("/account/security");
  return { ok: true, message, data: codes ? { recoveryCodes: codes } : undefined };
};

/** After a method is set up: says so, says when the first one turned the second step on, and carries the recovery codes. */
const enrolled = (message: string, result: EnrolmentResult) =>
  done(result.turnedOn ? `${message} Two-step verification is now on: a second step is asked each time you sign in.` : message, result.codes);

export const sendEmailMethodCode = createAction()
  .use(signedIn)
  .run(async (_d, c) => {
    await assertRecentSignIn(c);
    await startEmailMethod(c.user);
    const retryAt = c.user.email ? ((await cooldownEnd("method_confirm", c.user.email)) ?? undefined) : undefined;
    return { ok: true, message: `We sent a code to ${c.user.email}.`, values: { sent: "1" }, retryAt };
  });

export const confirmEmailMethodAction = createAction()
  .use(signedIn)
  .schema(z.object({ code: codeField() }))
  .run(async (d, { user }) => enrolled("Email codes are set up.", await confirmEmailMethod(user, d.code)));

export const beginTotpAction = createAction()
  .use(signedIn)
  .run(async (_d, c): Promise<ActionResult<TotpSecret>> => {
    await assertRecentSignIn(c);
    const { secret, qrDataUrl } = await beginTotpEnrolment(c.user.id, c.user.email ?? c.user.phone ?? c.user.name);
    return { ok: true, data: { secret, qrDataUrl } };
  });

export const confirmTotpAction = createAction()
  .use(signedIn)
  .schema(z.object({ code: codeField("Enter the code from your app.") }))
  .run(async (d, { user }) => enrolled("Your authenticator app is set up.", await confirmTotpMethod(user, d.code)));

/** Options for registering a security key (the browser's ceremony follows). */
export const keyRegistrationOptionsAction = createAction()
  .use(signedIn)
  .json(async (_d, c): Promise<ActionResult<PublicKeyCredentialCreationOptionsJSON>> => {
    await assertRecentSignIn(c);
    return { ok: true, data: await registrationOptions(c.user) };
  });

export const finishKeyRegistrationAction = createAction()
  .use(signedIn)
  .schema(z.object({ response: webauthnResponse, name: z.string().trim().min(1, "Name the key.").max(60, "Use at most 60 characters.") }))
  .json(async (d, c) => enrolled(`Security key "${d.name}" added.`, await addSecurityKey(c.user, d.response as unknown as RegistrationResponseJSON, d.name)));

export const renameKeyAction = createAction()
  .use(signedIn)
  .schema(z.object({ credentialId: z.string().min(1).max(400), name: z.string().trim().min(1, "Name the key.").max(60, "Use at most 60 characters.") }))
  .run(async (d, c) => {
    await assertRecentSignIn(c);
    await renameCredential(c.user.id, d.credentialId, d.name);
    return done("Security key renamed.");
  });

export const removeMethodAction = createAction()
  .use(signedIn)
  .schema(z.object({ method: z.enum(TWO_FACTOR_METHODS), credentialId: z.string().max(400).optional() }))
  .run(async (d, c) => {
    await assertRecentSignIn(c);
    await removeMethod(c.user, d.method, d.credentialId);
    return done("Method removed.");
  });

export const chooseMethodsAction = createAction()
  .use(signedIn)
  .schema(
    z.object({
      primary: z.enum(TWO_FACTOR_METHODS, { error: "Choose your main method." }),
      backup: z.union([z.literal("none"), z.enum(TWO_FACTOR_METHODS)]).default("none"),
    }),
  )
  .run(async (d, c) => {
    await assertRecentSignIn(c);
    await choosePrimaryAndBackup(c.user, d.primary, d.backup === "none" ? null : d.backup);
    return done("Your methods are saved.");
  });

export const toggleTwoFactorAction = createAction()
  .use(signedIn)
  .schema(z.object({ web: checkbox, manager: checkbox }))
  .run(async (d, c) => {
    const { user } = c;
    await assertRecentSignIn(c);
    const changedWeb = await setTwoFactorFor(user, "web", d.web, user.id);
    const changedManager = user.isAdmin ? await setTwoFactorFor(user, "manager", d.manager, user.id) : false;
    if (!changedWeb && !changedManager) return done("Nothing changed.");
    return done(d.web ? "Saved: a second step is asked each time you sign in." : "Saved: signing in asks for your password only.");
  });

export const regenerateCodesAction = createAction()
  .use(signedIn)
  .run(async (_d, c) => {
    await assertRecentSignIn(c);
    const codes = await regenerateRecoveryCodes(c.user);
    return done("New recovery codes are ready. The old ones no longer work.", codes);
  });

export const forgetDeviceAction = createAction()
  .use(signedIn)
  .schema(z.object({ deviceId: z.string().min(1).max(100) }))
  .run(async (d, { user }) => {
    const ok = await revokeTrustedDevice(user.id, d.deviceId);
    return done(ok ? "This device will ask for the second step again." : "That device was already forgotten.");
  });
