"use server";
// The second step of a sign-in (/login/verify): codes, security keys, and a first method set up on the way (T2–T5, T11).
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { createAction, pendingSignIn, signedIn, type ActionResult } from "@/lib/action";
import { continueAfterEnrolment, finishEnrolment, finishWithCode, finishWithSecurityKey } from "@/lib/auth/sign-in";
import { clearChallengeCookie, recordFailure, startManagerStepUp } from "@/lib/factors/challenge";
import { beginTotpAtSignIn, confirmTotpAtSignIn, finishKeyAtSignIn, keyOptionsAtSignIn } from "@/lib/factors/sign-in-enrolment";
import { sendSecondFactorCode } from "@/lib/factors/verify";
import { authenticationOptions } from "@/lib/factors/webauthn";
import { CLAIM_COUNTER } from "@/lib/phone/confirm";
import { formatPhone, parsePhone } from "@/lib/phone/parse";
import { clientIp } from "@/lib/request";
import { cooldownEnd } from "@/lib/codes/send";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { checkbox, codeField, webauthnResponse, type TotpSecret } from "@/lib/shared/form-schemas";

const remember = checkbox.default(false);
const keyName = z.string().trim().min(1, "Name the key.").max(60, "Use at most 60 characters.");

/** A failure changes what the page shows (the contact person after the third): it is read again. */
async function refreshOnFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    unstable_rethrow(err);
    revalidatePath("/login/verify");
    throw err;
  }
}

export const sendCodeAction = createAction()
  .use(pendingSignIn)
  .schema(
    z.object({
      channel: z.enum(["sms", "email"]),
      sends: z.coerce.number().int().min(0).max(100).catch(0),
      phone: z.string().trim().max(40, "This phone number is too long.").optional(),
      phoneCountry: z.string().trim().max(2).optional(),
    }),
  )
  .run(async (data, { user }) => {
    let newPhone: string | undefined;
    if (data.channel === "sms" && !user.phoneVerifiedAt) {
      if (!data.phone) throw new UserError(ErrorCodes.INVALID_INPUT, "Enter your phone number.", "phone");
      newPhone = parsePhone(data.phone, data.phoneCountry ?? "").e164;
    }
    await sendSecondFactorCode(user, data.channel, await clientIp(), newPhone);
    const target = data.channel === "email" ? user.email! : (newPhone ?? user.phone!);
    const where = data.channel === "email" ? target : formatPhone(target);
    return {
      ok: true,
      message: `We sent a code to ${where}.`,
      retryAt: (await cooldownEnd("two_factor", target, newPhone ? CLAIM_COUNTER : undefined)) ?? undefined,
      values: { sends: String(data.sends + 1), channel: data.channel, ...(newPhone ? { phone: data.phone!, phoneCountry: data.phoneCountry ?? "" } : {}) },
    };
  });

export const verifyCodeAction = createAction()
  .use(pendingSignIn)
  .schema(
    z.object({
      method: z.enum(["sms", "email", "totp", "recovery"]),
      code: z.string().trim().min(1, "Enter the code.").max(20, "This code is too long."),
      remember,
      phone: z.string().trim().max(40).optional(),
      phoneCountry: z.string().trim().max(2).optional(),
    }),
  )
  .run(async (data, ctx) => {
    const phone = data.phone && !ctx.user.phoneVerifiedAt ? parsePhone(data.phone, data.phoneCountry ?? "").e164 : undefined;
    const code = data.method === "recovery" ? data.code : data.code.replace(/\s+/g, "");
    await refreshOnFailure(() => finishWithCode(ctx, data.method, { code, phone }, data.remember));
  });

/** Options for the security-key ceremony of the pending sign-in. */
export const webauthnOptionsAction = createAction()
  .use(pendingSignIn)
  .json(async (_d, ctx): Promise<ActionResult<PublicKeyCredentialRequestOptionsJSON>> => ({ ok: true, data: await authenticationOptions(ctx.user.id) }));

export const webauthnVerifyAction = createAction()
  .use(pendingSignIn)
  .schema(z.object({ response: webauthnResponse, remember }))
  .json(async (d, ctx) => {
    await refreshOnFailure(() => finishWithSecurityKey(ctx, d.response as unknown as AuthenticationResponseJSON, d.remember));
  });

/** A cancelled or failed ceremony in the browser also counts as a failed attempt. */
export const webauthnFailedAction = createAction()
  .use(pendingSignIn)
  .json(async (_d, ctx) => {
    await recordFailure(ctx.challenge, ctx.user, "webauthn", await clientIp());
    revalidatePath("/login/verify");
  });

// ——— Setting up a first method during sign-in (T11) ———

export const beginTotpEnrolAction = createAction()
  .use(pendingSignIn)
  .run(async (_d, { user }): Promise<ActionResult<TotpSecret>> => {
    const { secret, qrDataUrl } = await beginTotpAtSignIn(user);
    return { ok: true, data: { secret, qrDataUrl } };
  });

export const confirmTotpEnrolAction = createAction()
  .use(pendingSignIn)
  .schema(z.object({ code: codeField("Enter the code from your app."), remember }))
  .run(async (data, ctx) => {
    await finishEnrolment(ctx.challenge, await confirmTotpAtSignIn(ctx.user, data.code), data.remember);
  });

export const keyEnrolOptionsAction = createAction()
  .use(pendingSignIn)
  .json(async (_d, { user }): Promise<ActionResult<PublicKeyCredentialCreationOptionsJSON>> => ({ ok: true, data: await keyOptionsAtSignIn(user) }));

export const finishKeyEnrolAction = createAction()
  .use(pendingSignIn)
  .schema(z.object({ response: webauthnResponse, name: keyName, remember }))
  .json(async (d, ctx) => {
    const outcome = await finishKeyAtSignIn(ctx.user, d.response as unknown as RegistrationResponseJSON, d.name);
    await finishEnrolment(ctx.challenge, outcome, d.remember);
  });

export const continueAfterEnrolmentAction = createAction()
  .use(pendingSignIn)
  .run(async (_d, ctx) => {
    await continueAfterEnrolment(ctx.challenge);
  });

/** An admin whose Manager app asks for a second factor starts that step from a signed-in session (T6). */
export const startStepUpAction = createAction()
  .use(signedIn)
  .run(async (_d, c) => {
    redirect((await startManagerStepUp(c)) ? "/login/verify" : "/admin");
  });

export const cancelVerifyAction = createAction().run(async () => {
  await clearChallengeCookie();
  redirect("/login");
});
