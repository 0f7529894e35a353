"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { action } from "@/lib/action";
import { clearFlow, readFlow, setFlow } from "@/lib/flows";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { PASSWORD_MAX } from "@/lib/passwords";
import { recoveryTarget, resetPasswordWithCode, resetPasswordWithLink, startRecovery, type RecoveryTarget } from "@/lib/accounts/recovery";
import { clientIp } from "@/lib/request";
import { smsClientOf } from "@/lib/limits/sms-clients";

const FLOW = "recover";

export const startRecoveryAction = action(
  z.object({ identifier: z.string().trim().min(1, "Enter your email address or phone number.").max(254, "This is too long for an email or phone number.") }),
  async (data, _ctx, formData) => {
    const t = await recoveryTarget(data.identifier);
    await startRecovery(t, await clientIp(), await smsClientOf(formData.get("altcha")));
    await setFlow(FLOW, t, 15 * 60);
    redirect("/recover?step=code");
  },
);

const newPasswords = {
  newPassword: z.string().min(1, "Choose a new password.").max(PASSWORD_MAX * 4, `Use at most ${PASSWORD_MAX} characters.`),
  confirmPassword: z.string().min(1, "Type the new password again.").max(PASSWORD_MAX * 4, `Use at most ${PASSWORD_MAX} characters.`),
};
const same = (d: { newPassword: string; confirmPassword: string }) => d.newPassword === d.confirmPassword;
const mismatch = { path: ["confirmPassword"], message: "The two new passwords do not match." };

export const resetWithCodeAction = action(
  z.object({ code: z.string().trim().min(1, "Enter the code.").max(12, "Enter the 6-digit code."), ...newPasswords }).refine(same, mismatch),
  async (data) => {
    const t = await readFlow<RecoveryTarget>(FLOW);
    if (!t) throw new UserError(ErrorCodes.CODE_EXPIRED, "This reset has expired. Start again.");
    await resetPasswordWithCode(t, data.code, data.newPassword, await clientIp());
    await clearFlow(FLOW);
    redirect("/login?reset=1");
  },
);

export const resendRecoveryAction = action(z.object({}), async (_d, _ctx, formData) => {
  const t = await readFlow<RecoveryTarget>(FLOW);
  if (!t) throw new UserError(ErrorCodes.CODE_EXPIRED, "This reset has expired. Start again.");
  await startRecovery(t, await clientIp(), await smsClientOf(formData.get("altcha")));
  return { ok: true, message: "If an account matches, we sent a new code." };
});

export const resetWithLinkAction = action(z.object({ token: z.string().min(1).max(200), ...newPasswords }).refine(same, mismatch), async (data) => {
  await resetPasswordWithLink(data.token, data.newPassword, await clientIp());
  redirect("/login?reset=1");
});
