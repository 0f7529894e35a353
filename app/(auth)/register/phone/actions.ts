"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { createAction } from "@/lib/action";
import { afterFirstFactor, completeFirstFactor } from "@/lib/auth/sign-in";
import { getUser } from "@/lib/accounts/queries";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { newPasswordField, SAME_AS_EMAIL, sameAsEmail } from "@/lib/passwords/schema";
import { parsePhone } from "@/lib/phone/parse";
import { codeInput, phoneInput } from "@/lib/shared/form-schemas";
import { completePhoneRegistration, registrationFlows, startPhoneRegistration, verifyPhoneRegistration } from "@/lib/phone/register";
import { clientIp } from "@/lib/request";
import { smsClientOf } from "@/lib/limits/sms-clients";
import { cooldownEnd } from "@/lib/codes/send";

export const sendRegistrationCode = createAction()
  .schema(z.object(phoneInput))
  .run(async (data, _ctx, formData) => {
    const { e164 } = parsePhone(data.phone, data.phoneCountry);
    await startPhoneRegistration(e164, await clientIp(), await smsClientOf(formData.get("altcha")));
    await registrationFlows.sent.set({ phone: e164 });
    redirect("/register/phone?step=code");
  });

async function sentFlow() {
  const f = await registrationFlows.sent.read();
  if (!f) throw new UserError(ErrorCodes.CODE_EXPIRED, "This registration has expired. Enter your phone number again.");
  return f;
}

export const verifyRegistrationCode = createAction()
  .schema(z.object(codeInput))
  .run(async (data) => {
    const f = await sentFlow();
    const { signIn } = await verifyPhoneRegistration(f.phone, data.code);
    await registrationFlows.sent.clear();
    // The number already has an account: proving it was a phone sign-in, written with the code.
    if (signIn) await completeFirstFactor(signIn);
    await registrationFlows.verified.set({ phone: f.phone });
    redirect("/register/phone?step=details");
  });

export const resendRegistrationCode = createAction().run(async (_d, _ctx, formData) => {
  const f = await sentFlow();
  await startPhoneRegistration(f.phone, await clientIp(), await smsClientOf(formData.get("altcha")));
  return { ok: true, message: "We sent a new code.", retryAt: (await cooldownEnd("phone_register", f.phone)) ?? undefined };
});

const optional = <S extends z.ZodType<string>>(s: S) => z.preprocess((v) => (v === "" ? undefined : v), s.optional());

export const completeRegistration = createAction()
  .schema(
    z
      .object({
        name: z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
        email: optional(z.string().trim().max(254, "This email address is too long.").email("Enter a valid email address, like name@example.com.")),
        password: optional(newPasswordField("Choose a password.")),
      })
      .refine((d) => !sameAsEmail(d.password, d.email), { path: ["password"], message: SAME_AS_EMAIL }),
  )
  .run(async (data) => {
    const f = await registrationFlows.verified.read();
    if (!f) throw new UserError(ErrorCodes.CODE_EXPIRED, "This registration has expired. Start again with your phone number.");
    const id = await completePhoneRegistration({ phone: f.phone, name: data.name, email: data.email, password: data.password, ip: await clientIp() });
    await registrationFlows.verified.clear();
    const user = await getUser(id);
    if (!user) throw new UserError(ErrorCodes.UNAVAILABLE, "Something went wrong on our side. Please try again.");
    await afterFirstFactor(user, "sms_code", "/dashboard");
  });
