"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { changePassword } from "@/lib/accounts";
import { revokeOtherSessions, revokeSession } from "@/lib/auth/sessions";
import { audit } from "@/lib/audit";
import { PASSWORD_MAX } from "@/lib/passwords";

const pw = (msg: string) => z.string().min(1, msg).max(PASSWORD_MAX * 4, `Use at most ${PASSWORD_MAX} characters.`);

export const changePasswordAction = userAction(
  z
    .object({
      currentPassword: z.string().max(PASSWORD_MAX * 4, "Your current password is not right.").default(""),
      newPassword: pw("Choose a new password."),
      confirmPassword: pw("Type the new password again."),
    })
    .refine((d) => d.newPassword === d.confirmPassword, { path: ["confirmPassword"], message: "The two new passwords do not match." }),
  async (data, { user, sessionId }) => {
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
