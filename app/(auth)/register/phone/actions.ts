"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { action } from "@/lib/action";
import { afterFirstFactor } from "@/lib/auth/sign-in";
import { getUser } from "@/lib/accounts/queries";
import { clearFlow, readFlow, setFlow } from "@/lib/flows";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { PASSWORD_MAX } from "@/lib/passwords";
import { parsePhone } from "@/lib/phone/parse";
import { codeInput, phoneInput } from "@/lib/shared/form-schemas";
import { completePhoneRegistration, startPhoneRegistration, verifyPhoneRegistration } from "@/lib/phone/register";
import { clientIp } from "@/lib/request";
import { smsClientOf } from "@/lib/limits/sms-clients";

const SENT = "reg_phone";
const VERIFIED = "reg_verified";

export const sendRegistrationCode = action(z.object(phoneInput), async (data, _ctx, formData) => {
  const { e164 } = parsePhone(data.phone, data.phoneCountry);
  await startPhoneRegistration(e164, await clientIp(), await smsClientOf(formData.get("altcha")));
  await setFlow(SENT, { phone: e164 }, 15 * 60);
  redirect("/register/phone?step=code");
});

async function sentFlow() {
  const f = await readFlow<{ phone: string }>(SENT);
  if (!f) throw new UserError(ErrorCodes.CODE_EXPIRED, "This registration has expired. Enter your phone number again.");
  return f;
}

export const verifyRegistrationCode = action(z.object(codeInput), async (data) => {
  const f = await sentFlow();
  const { existing } = await verifyPhoneRegistration(f.phone, data.code);
  await clearFlow(SENT);
  // The number already has an account: proving it is a phone sign-in.
  if (existing) await afterFirstFactor(existing, "sms_code", "/dashboard");
  await setFlow(VERIFIED, { phone: f.phone }, 30 * 60);
  redirect("/register/phone?step=details");
});

export const resendRegistrationCode = action(z.object({}), async (_d, _ctx, formData) => {
  const f = await sentFlow();
  await startPhoneRegistration(f.phone, await clientIp(), await smsClientOf(formData.get("altcha")));
  return { ok: true, message: "We sent a new code." };
});

const optional = (s: z.ZodString) => z.preprocess((v) => (v === "" ? undefined : v), s.optional());

export const completeRegistration = action(
  z.object({
    name: z.string().trim().min(1, "Enter your name.").max(100, "Use at most 100 characters."),
    email: optional(z.string().trim().max(254, "This email address is too long.").email("Enter a valid email address, like name@example.com.")),
    password: optional(z.string().max(PASSWORD_MAX * 4, `Use at most ${PASSWORD_MAX} characters.`)),
  }),
  async (data) => {
    const f = await readFlow<{ phone: string }>(VERIFIED);
    if (!f) throw new UserError(ErrorCodes.CODE_EXPIRED, "This registration has expired. Start again with your phone number.");
    const id = await completePhoneRegistration({ phone: f.phone, name: data.name, email: data.email, password: data.password, ip: await clientIp() });
    await clearFlow(VERIFIED);
    const user = await getUser(id);
    if (!user) throw new UserError(ErrorCodes.UNAVAILABLE, "Something went wrong on our side. Please try again.");
    await afterFirstFactor(user, "sms_code", "/dashboard");
  },
);
