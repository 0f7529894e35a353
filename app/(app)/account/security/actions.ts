"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { codeField, emailField, passwordField, newPasswordPair } from "@/lib/shared/form-schemas";
import { createAction, signedIn } from "@/lib/action";
import { changePassword } from "@/lib/accounts/password";
import { revokeOtherSessions, revokeSession } from "@/lib/auth/sessions";
import { audit } from "@/lib/audit";
import { PASSWORD_MAX } from "@/lib/passwords";
import { newPasswordField } from "@/lib/passwords/schema";
import { emailChangeFlow, finishEmailChange, startEmailChange } from "@/lib/accounts/email-change";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { assertRecentSignIn, confirmPassword } from "@/lib/auth/step-up";

export const changePasswordAction = createAction()
  .use(signedIn)
  .schema(
    newPasswordPair(
      {
        currentPassword: z
          .string()
          .max(PASSWORD_MAX * 4, "Your current password is not right.")
          .default(""),
      },
      newPasswordField("Choose a new password."),
    ),
  )
  .run(async (data, c) => {
    const { user, sessionId } = c;
    // The current password is the re-authentication; an account without one needs a recent sign-in (B3).
    if (!user.passwordHash) await assertRecentSignIn(c);
    await changePassword({ userId: user.id, current: data.currentPassword, next: data.newPassword, keepSessionId: sessionId });
    revalidatePath("/account/security");
    return { ok: true, message: "Your password was changed. Your other sessions were signed out." };
  });

export const endSessionAction = createAction()
  .use(signedIn)
  .schema(z.object({ sessionId: z.string().min(1).max(100) }))
  .run(async (data, { user }) => {
    const ended = await revokeSession(user.id, data.sessionId);
    if (ended) await audit({ action: "session.ended", userId: user.id, actorId: user.id });
    revalidatePath("/account/security");
    return { ok: true, message: ended ? "The session was signed out." : "That session had already ended." };
  });

export const endOtherSessionsAction = createAction()
  .use(signedIn)
  .run(async (_d, { user, sessionId }) => {
    const n = await revokeOtherSessions(user.id, sessionId);
    await audit({ action: "session.ended_others", userId: user.id, actorId: user.id, detail: { count: n } });
    revalidatePath("/account/security");
    return { ok: true, message: n === 1 ? "1 other session was signed out." : `${n} other sessions were signed out.` };
  });

// ——— A10: set or change the email, confirmed by a code sent to the new address ———

export const sendEmailChangeCode = createAction()
  .use(signedIn)
  .schema(
    z.object({
      email: emailField(),
    }),
  )
  .run(async (data, c) => {
    const { user } = c;
    await assertRecentSignIn(c);
    const email = await startEmailChange(user, data.email);
    await emailChangeFlow.set({ email, userId: user.id });
    revalidatePath("/account/security");
    return { ok: true, message: `We sent a code to ${email}.` };
  });

export const confirmEmailChangeAction = createAction()
  .use(signedIn)
  .schema(z.object({ code: codeField() }))
  .run(async (data, { user }) => {
    const flow = await emailChangeFlow.read();
    if (!flow || flow.userId !== user.id) throw new UserError(ErrorCodes.CODE_EXPIRED, "This change has expired. Enter the new address again.", "code");
    await finishEmailChange(user, flow.email, data.code.replace(/\s+/g, ""));
    await emailChangeFlow.clear();
    revalidatePath("/account/security");
    revalidatePath("/confirm");
    return { ok: true, message: `Your email address is now ${flow.email}.` };
  });

export const cancelEmailChangeAction = createAction()
  .use(signedIn)
  .run(async () => {
    await emailChangeFlow.clear();
    revalidatePath("/account/security");
    return { ok: true };
  });

// ——— B3: confirming the password again before a sensitive change ———

export const confirmPasswordAction = createAction()
  .use(signedIn)
  .schema(z.object({ password: passwordField("Enter your password.", "That password is not right.") }))
  .run(async (data, c) => {
    await confirmPassword(c, data.password);
    revalidatePath("/account/security");
    return { ok: true, message: "Thanks. You can make changes for the next 15 minutes." };
  });
