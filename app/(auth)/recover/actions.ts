"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { codeField, newPasswordPair } from "@/lib/shared/form-schemas";
import { createAction } from "@/lib/action";
import { newPasswordField } from "@/lib/passwords/schema";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { recoveryFlow, recoveryTarget, resetPasswordWithCode, resetPasswordWithLink, startRecovery } from "@/lib/accounts/recovery";
import { clientIp } from "@/lib/request";
import { smsClientOf } from "@/lib/limits/sms-clients";
import { cooldownEnd } from "@/lib/codes/send";

export const startRecoveryAction = createAction()
  .schema(
    z.object({ identifier: z.string().trim().min(1, "Enter your email address or phone number.").max(254, "This is too long for an email or phone number.") }),
  )
  .run(async (data, _ctx, formData) => {
    const t = await recoveryTarget(data.identifier);
    await startRecovery(t, await clientIp(), await smsClientOf(formData.get("altcha")));
    await recoveryFlow.set(t);
    redirect("/recover?step=code");
  });

export const resetWithCodeAction = createAction()
  .schema(newPasswordPair({ code: codeField() }, newPasswordField("Choose a new password.")))
  .run(async (data) => {
    const t = await recoveryFlow.read();
    if (!t) throw new UserError(ErrorCodes.CODE_EXPIRED, "This reset has expired. Start again.");
    await resetPasswordWithCode(t, data.code, data.newPassword, await clientIp());
    await recoveryFlow.clear();
    redirect("/login?reset=1");
  });

export const resendRecoveryAction = createAction().run(async (_d, _ctx, formData) => {
  const t = await recoveryFlow.read();
  if (!t) throw new UserError(ErrorCodes.CODE_EXPIRED, "This reset has expired. Start again.");
  await startRecovery(t, await clientIp(), await smsClientOf(formData.get("altcha")));
  return { ok: true, message: "If an account matches, we sent a new code.", retryAt: (await cooldownEnd("recovery", t.target)) ?? undefined };
});

export const resetWithLinkAction = createAction()
  .schema(newPasswordPair({ token: z.string().min(1).max(200) }, newPasswordField("Choose a new password.")))
  .run(async (data) => {
    await resetPasswordWithLink(data.token, data.newPassword, await clientIp());
    redirect("/login?reset=1");
  });
