"use server";
// The security tab's two-step section (T7) and trusted devices (T4).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { userAction, type FormState } from "@/lib/action";
import { currentSession } from "@/lib/auth/current";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { beginTotpEnrolment } from "@/lib/factors/totp";
import { revokeTrustedDevice } from "@/lib/factors/trusted-devices";
import { TWO_FACTOR_METHODS } from "@/lib/settings";
import { addSecurityKey, confirmTotpMethod, type EnrolmentResult, confirmEmailMethod, startEmailMethod } from "@/lib/factors/enrol";
import { choosePrimaryAndBackup, regenerateRecoveryCodes, removeMethod, setTwoFactorFor } from "@/lib/factors/manage";
import { registrationOptions, renameCredential } from "@/lib/factors/webauthn";
import { loadPolicy } from "@/lib/factors/policy";
import { assertRecentSignIn } from "@/lib/auth/step-up";

const done = (message: string, codes?: string[] | null): FormState => {
  revalidatePath("/account/security");
  return { ok: true, message, values: codes ? { recoveryCodes: codes.join(" ") } : undefined };
};

/** After a method is set up: says so, says when the first one turned the second step on, and carries the recovery codes. */
const enrolled = (message: string, result: EnrolmentResult): FormState =>
  done(result.turnedOn ? `${message} Two-step verification is now on: a second step is asked each time you sign in.` : message, result.codes);

async function assertAllowed(method: (typeof TWO_FACTOR_METHODS)[number]) {
  const policy = await loadPolicy();
  if (!policy.allowedMethods.includes(method)) throw new UserError(ErrorCodes.NOT_ALLOWED, "Your administrator does not allow this method.");
}

export const sendEmailMethodCode = userAction(z.object({}), async (_d, c) => {
  const { user } = c;
  await assertRecentSignIn(c);
  await assertAllowed("email");
  await startEmailMethod(user);
  return { ok: true, message: `We sent a code to ${user.email}.`, values: { sent: "1" } };
});

export const confirmEmailMethodAction = userAction(z.object({ code: z.string().trim().min(1, "Enter the code.").max(12, "Enter the 6-digit code.") }), async (d, { user }) => {
  return enrolled("Email codes are set up.", await confirmEmailMethod(user, d.code));
});

export const beginTotpAction = userAction(z.object({}), async (_d, c) => {
  const { user } = c;
  await assertRecentSignIn(c);
  await assertAllowed("totp");
  const { secret, qrDataUrl } = await beginTotpEnrolment(user.id, user.email ?? user.phone ?? user.name);
  return { ok: true, values: { secret, qrDataUrl } };
});

export const confirmTotpAction = userAction(z.object({ code: z.string().trim().min(1, "Enter the code from your app.").max(12, "Enter the 6-digit code.") }), async (d, { user }) => {
  return enrolled("Your authenticator app is set up.", await confirmTotpMethod(user, d.code));
});

export async function keyRegistrationOptionsAction() {
  const c = await currentSession();
  if (!c) return { ok: false as const, message: "Your session has ended. Please sign in again." };
  const policy = await loadPolicy();
  if (!policy.allowedMethods.includes("webauthn")) return { ok: false as const, message: "Your administrator does not allow security keys." };
  try {
    await assertRecentSignIn(c);
    return { ok: true as const, options: await registrationOptions(c.user) };
  } catch (err) {
    if (err instanceof UserError) return { ok: false as const, message: err.message };
    throw err;
  }
}

export async function finishKeyRegistrationAction(response: RegistrationResponseJSON, name: string): Promise<FormState> {
  const c = await currentSession();
  if (!c) return { ok: false, message: "Your session has ended. Please sign in again." };
  const parsed = z.string().trim().min(1, "Name the key.").max(60, "Use at most 60 characters.").safeParse(name);
  if (!parsed.success) return { ok: false, fieldErrors: { name: parsed.error.issues[0]!.message }, message: parsed.error.issues[0]!.message };
  try {
    return enrolled(`Security key "${parsed.data}" added.`, await addSecurityKey(c.user, response, parsed.data));
  } catch (err) {
    if (err instanceof UserError) return { ok: false, code: err.code, message: err.message };
    console.error("security key registration failed", err);
    return { ok: false, message: "The security key could not be registered. Try again." };
  }
}

export const renameKeyAction = userAction(
  z.object({ credentialId: z.string().min(1).max(400), name: z.string().trim().min(1, "Name the key.").max(60, "Use at most 60 characters.") }),
  async (d, c) => {
    await assertRecentSignIn(c);
    await renameCredential(c.user.id, d.credentialId, d.name);
    return done("Security key renamed.");
  },
);

export const removeMethodAction = userAction(
  z.object({ method: z.enum(TWO_FACTOR_METHODS), credentialId: z.string().max(400).optional() }),
  async (d, c) => {
    await assertRecentSignIn(c);
    await removeMethod(c.user, d.method, d.credentialId);
    return done("Method removed.");
  },
);

export const chooseMethodsAction = userAction(
  z.object({ primary: z.enum(TWO_FACTOR_METHODS, { error: "Choose your main method." }), backup: z.union([z.literal("none"), z.enum(TWO_FACTOR_METHODS)]).default("none") }),
  async (d, c) => {
    await assertRecentSignIn(c);
    await choosePrimaryAndBackup(c.user, d.primary, d.backup === "none" ? null : d.backup);
    return done("Your methods are saved.");
  },
);

const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());

export const toggleTwoFactorAction = userAction(z.object({ web: checkbox, manager: checkbox }), async (d, c) => {
  const { user } = c;
  await assertRecentSignIn(c);
  const changedWeb = await setTwoFactorFor(user, "web", d.web, user.id);
  const changedManager = user.isAdmin ? await setTwoFactorFor(user, "manager", d.manager, user.id) : false;
  if (!changedWeb && !changedManager) return done("Nothing changed.");
  return done(d.web ? "Saved: a second step is asked each time you sign in." : "Saved: signing in asks for your password only.");
});

export const regenerateCodesAction = userAction(z.object({}), async (_d, c) => {
  await assertRecentSignIn(c);
  const codes = await regenerateRecoveryCodes(c.user);
  return done("New recovery codes are ready. The old ones no longer work.", codes);
});

export const forgetDeviceAction = userAction(z.object({ deviceId: z.string().min(1).max(100) }), async (d, { user }) => {
  const ok = await revokeTrustedDevice(user.id, d.deviceId);
  return done(ok ? "This device will ask for the second step again." : "That device was already forgotten.");
});
