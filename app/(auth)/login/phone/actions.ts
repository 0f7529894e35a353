"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { createAction, safeNext } from "@/lib/action";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { parsePhone } from "@/lib/phone/parse";
import { codeInput, phoneInput } from "@/lib/shared/form-schemas";
import { phoneLoginFlow, signInWithPhoneCode, startPhoneLogin } from "@/lib/phone/login";
import { clientIp } from "@/lib/request";
import { smsClientOf } from "@/lib/limits/sms-clients";
import { cooldownEnd } from "@/lib/codes/send";

export const sendLoginCode = createAction()
  .schema(z.object({ ...phoneInput, next: z.string().max(512).optional() }))
  .run(async (data, _ctx, formData) => {
    const { e164 } = parsePhone(data.phone, data.phoneCountry);
    await startPhoneLogin(e164, await clientIp(), await smsClientOf(formData.get("altcha")));
    await phoneLoginFlow.set({ phone: e164, next: safeNext(data.next) });
    redirect("/login/phone?step=code");
  });

async function flow() {
  const f = await phoneLoginFlow.read();
  if (!f) throw new UserError(ErrorCodes.CODE_EXPIRED, "This sign-in has expired. Enter your phone number again.");
  return f;
}

export const verifyLoginCode = createAction()
  .schema(z.object(codeInput))
  .run(async (data) => {
    const f = await flow();
    await signInWithPhoneCode(f.phone, data.code, safeNext(f.next), await clientIp());
  });

export const resendLoginCode = createAction().run(async (_d, _ctx, formData) => {
  const f = await flow();
  await startPhoneLogin(f.phone, await clientIp(), await smsClientOf(formData.get("altcha")));
  return { ok: true, message: "If an account uses this number, we sent a new code.", retryAt: (await cooldownEnd("phone_login", f.phone)) ?? undefined };
});
