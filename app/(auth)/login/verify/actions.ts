"use server";
import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { action, type FormState } from "@/lib/action";
import { currentSession } from "@/lib/auth/current";
import { continueAfterEnrolment, finishEnrolment, finishWithCode, finishWithSecurityKey } from "@/lib/auth/sign-in";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { parsePhone } from "@/lib/phone/parse";
import { clientIp } from "@/lib/request";
import { abandonChallenge, createChallenge, currentChallenge, recordFailure } from "@/lib/factors/challenge";
import { beginTotpAtSignIn, confirmTotpAtSignIn, finishKeyAtSignIn, keyOptionsAtSignIn } from "@/lib/factors/sign-in-enrolment";
import { loadPolicy, managerStepUpNeeded } from "@/lib/factors/policy";
import { sendSecondFactorCode } from "@/lib/factors/verify";
import { authenticationOptions } from "@/lib/factors/webauthn";
import { formatPhone } from "@/lib/phone/parse";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

async function challengeOrFail() {
  const ctx = await currentChallenge();
  if (!ctx) throw new UserError(ErrorCodes.CODE_EXPIRED, "This sign-in has expired. Sign in again.");
  return ctx;
}

const remember = z.preprocess((v) => v === "on" || v === "true", z.boolean()).default(false);

export const sendCodeAction = action(
  z.object({
    channel: z.enum(["sms", "email"]),
    sends: z.coerce.number().int().min(0).max(100).catch(0),
    phone: z.string().trim().max(40, "This phone number is too long.").optional(),
    phoneCountry: z.string().trim().max(2).optional(),
  }),
  async (data) => {
    const { user } = await challengeOrFail();
    let newPhone: string | undefined;
    if (data.channel === "sms" && !user.phoneVerifiedAt) {
      if (!data.phone) throw new UserError(ErrorCodes.INVALID_INPUT, "Enter your phone number.", "phone");
      newPhone = parsePhone(data.phone, data.phoneCountry ?? "").e164;
    }
    await sendSecondFactorCode(user, data.channel, await clientIp(), newPhone);
    const where = data.channel === "email" ? user.email! : formatPhone(newPhone ?? user.phone);
    return {
      ok: true,
      message: `We sent a code to ${where}.`,
      values: { sends: String(data.sends + 1), channel: data.channel, ...(newPhone ? { phone: data.phone!, phoneCountry: data.phoneCountry ?? "" } : {}) },
    };
  },
);

export const verifyCodeAction = action(
  z.object({
    method: z.enum(["sms", "email", "totp", "recovery"]),
    code: z.string().trim().min(1, "Enter the code.").max(20, "This code is too long."),
    remember,
    phone: z.string().trim().max(40).optional(),
    phoneCountry: z.string().trim().max(2).optional(),
  }),
  async (data) => {
    const ctx = await challengeOrFail();
    const phone = data.phone && !ctx.user.phoneVerifiedAt ? parsePhone(data.phone, data.phoneCountry ?? "").e164 : undefined;
    try {
      await finishWithCode(ctx, data.method, { code: data.method === "recovery" ? data.code : data.code.replace(/\s+/g, ""), phone }, data.remember);
    } catch (err) {
      unstable_rethrow(err);
      // The page shows the contact person after the third failure: refresh it.
      revalidatePath("/login/verify");
      throw err;
    }
  },
);

/** Options for the security-key ceremony of the pending sign-in. */
export async function webauthnOptionsAction() {
  const ctx = await currentChallenge();
  if (!ctx) return { ok: false as const, message: "This sign-in has expired. Sign in again." };
  try {
    return { ok: true as const, options: await authenticationOptions(ctx.user.id) };
  } catch (err) {
    if (err instanceof UserError) return { ok: false as const, message: err.message };
    console.error("webauthn options failed", err);
    return { ok: false as const, message: "Security keys are unavailable right now. Use another method." };
  }
}

export async function webauthnVerifyAction(response: AuthenticationResponseJSON, rememberDevice: boolean): Promise<FormState> {
  const ctx = await currentChallenge();
  if (!ctx) return { ok: false, message: "This sign-in has expired. Sign in again." };
  try {
    await finishWithSecurityKey(ctx, response, rememberDevice);
  } catch (err) {
    unstable_rethrow(err);
    revalidatePath("/login/verify");
    if (err instanceof UserError) return { ok: false, code: err.code, message: err.message };
    console.error("webauthn verification failed", err);
    return { ok: false, message: "The security key could not be verified. Try again or use another method." };
  }
  return { ok: true };
}

/** A cancelled or failed ceremony in the browser also counts as a failed attempt. */
export async function webauthnFailedAction(): Promise<void> {
  const ctx = await currentChallenge();
  if (!ctx) return;
  await recordFailure(ctx.challenge, ctx.user, "webauthn", await clientIp());
  revalidatePath("/login/verify");
}

// ——— Setting up a first method during sign-in (T11) ———

export const beginTotpEnrolAction = action(z.object({}), async () => {
  const { user } = await challengeOrFail();
  const { secret, qrDataUrl } = await beginTotpAtSignIn(user);
  return { ok: true, values: { secret, qrDataUrl } };
});

export const confirmTotpEnrolAction = action(
  z.object({ code: z.string().trim().min(1, "Enter the code from your app.").max(12, "Enter the 6-digit code."), remember }),
  async (data) => {
    const ctx = await challengeOrFail();
    await finishEnrolment(ctx.challenge, await confirmTotpAtSignIn(ctx.user, data.code), data.remember);
  },
);

export async function keyEnrolOptionsAction() {
  const ctx = await currentChallenge();
  if (!ctx) return { ok: false as const, message: "This sign-in has expired. Sign in again." };
  try {
    return { ok: true as const, options: await keyOptionsAtSignIn(ctx.user) };
  } catch (err) {
    if (err instanceof UserError) return { ok: false as const, message: err.message };
    console.error("webauthn registration options failed", err);
    return { ok: false as const, message: "Security keys are unavailable right now. Choose another method." };
  }
}

export async function finishKeyEnrolAction(response: RegistrationResponseJSON, name: string, rememberDevice: boolean): Promise<FormState> {
  const ctx = await currentChallenge();
  if (!ctx) return { ok: false, message: "This sign-in has expired. Sign in again." };
  const parsed = z.string().trim().min(1, "Name the key.").max(60, "Use at most 60 characters.").safeParse(name);
  if (!parsed.success) return { ok: false, fieldErrors: { name: parsed.error.issues[0]!.message }, message: parsed.error.issues[0]!.message };
  let outcome;
  try {
    outcome = await finishKeyAtSignIn(ctx.user, response, parsed.data);
  } catch (err) {
    if (err instanceof UserError) return { ok: false, code: err.code, message: err.message };
    console.error("security key registration failed", err);
    return { ok: false, message: "The security key could not be registered. Try again or choose another method." };
  }
  await finishEnrolment(ctx.challenge, outcome, rememberDevice);
  return { ok: true };
}

export const continueAfterEnrolmentAction = action(z.object({}), async () => {
  const ctx = await challengeOrFail();
  await continueAfterEnrolment(ctx.challenge);
});

export const startStepUpAction = action(z.object({}), async () => {
  const session = await currentSession();
  if (!session) redirect("/login");
  const policy = await loadPolicy();
  if (!managerStepUpNeeded(session.user, policy, session.session.managerVerifiedAt)) redirect("/admin");
  await createChallenge({ userId: session.user.id, firstFactor: "session", surface: "manager", next: "/admin", sessionId: session.sessionId });
  redirect("/login/verify");
});

export const cancelVerifyAction = action(z.object({}), async () => {
  await abandonChallenge();
  redirect("/login");
});
