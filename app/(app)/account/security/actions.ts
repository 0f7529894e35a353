"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { changePassword } from "@/lib/accounts/password";
import { revokeOtherSessions, revokeSession } from "@/lib/auth/sessions";
import { audit } from "@/lib/audit";
import { PASSWORD_MAX } from "@/lib/passwords";
import { finishEmailChange, startEmailChange } from "@/lib/accounts/email-change";
import { clearFlow, readFlow, setFlow } from "@/lib/flows";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { assertRecentSignIn, confirmPassword } from "@/lib/auth/step-up";

const pw = (msg: string) => z.string().min(1, msg).max(PASSWORD_MAX * 4, `Use at most ${PASSWORD_MAX} characters.`);

export const changePasswordAction = userAction(
  z
    .object({
      currentPassword: z.string().max(PASSWORD_MAX * 4, "Your current password is not right.").default(""),
      newPassword: pw("Choose a new password."),
      confirmPassword: pw("Type the new password again."),
    })
    .refine((d) => d.newPassword === d.confirmPassword, { path: ["confirmPassword"], message: "The two new passwords do not match." }),
  async (data, c) => {
    const { user, sessionId } = c;
    // The current password is the re-authentication; an account without one needs a recent sign-in (B3).
    if (!user.passwordHash) await assertRecentSignIn(c);
    await changePassword({ userId: user.id, current: data.currentPassword, next: data.newPassword, keepSessionId: sessionId });
    revalidatePath("/account/security");
    return { ok: true, message: "Your password was changed. Your other sessions were signed out." };
  },
);

export const endSessionAction = userAction(z.object({ sessionId: z.string().min(1).max(100) }), async (data, { user }) => {
  const ended = await revokeSession(user.id, data.sessionId);
  if (ended) await audit({ action: "session.ended", userId: user.id, actorId: user.id });
  revalidatePath("/account/security");
  return { ok: true, message: ended ? "The session was signed out." : "That session had already ended." };
});

export const endOtherSessionsAction = userAction(z.object({}), async (_d, { user, sessionId }) => {
  const n = await revokeOtherSessions(user.id, sessionId);
  await audit({ action: "session.ended_others", userId: user.id, actorId: user.id, detail: { count: n } });
  revalidatePath("/account/security");
  return { ok: true, message: n === 1 ? "1 other session was signed out." : `${n} other sessions were signed out.` };
});

// ——— A10: set or change the email, confirmed by a code sent to the new address ———

const EMAIL_FLOW = "email_change";

export const sendEmailChangeCode = userAction(
  z.object({
    email: z.string().trim().min(1, "Enter your email address.").max(254, "This email address is too long.").email("Enter a valid email address, like name@example.com."),
  }),
  async (data, c) => {
    const { user } = c;
    await assertRecentSignIn(c);
    const email = await startEmailChange(user, data.email);
    await setFlow(EMAIL_FLOW, { email, userId: user.id }, 15 * 60);
    revalidatePath("/account/security");
    return { ok: true, message: `We sent a code to ${email}.` };
  },
);

export const confirmEmailChangeAction = userAction(
  z.object({ code: z.string().trim().min(1, "Enter the code.").max(12, "Enter the 6-digit code.") }),
  async (data, { user }) => {
    const flow = await readFlow<{ email: string; userId: string }>(EMAIL_FLOW);
    if (!flow || flow.userId !== user.id) throw new UserError(ErrorCodes.CODE_EXPIRED, "This change has expired. Enter the new address again.", "code");
    await finishEmailChange(user, flow.email, data.code.replace(/\s+/g, ""));
    await clearFlow(EMAIL_FLOW);
    revalidatePath("/account/security");
    revalidatePath("/confirm");
    return { ok: true, message: `Your email address is now ${flow.email}.` };
  },
);

export const cancelEmailChangeAction = userAction(z.object({}), async () => {
  await clearFlow(EMAIL_FLOW);
  revalidatePath("/account/security");
  return { ok: true };
});

// ——— B3: confirming the password again before a sensitive change ———

export const confirmPasswordAction = userAction(
  z.object({ password: z.string().min(1, "Enter your password.").max(PASSWORD_MAX * 4, "That password is not right.") }),
  async (data, c) => {
    await confirmPassword(c, data.password);
    revalidatePath("/account/security");
    return { ok: true, message: "Thanks. You can make changes for the next 15 minutes." };
  },
);
