"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/lib/action";
import { activateAccount, blockAccount, createAccountByAdmin, setRights, unblockAccount } from "@/lib/accounts";
import { ErrorCodes, UserError } from "@/lib/errors";
import { PASSWORD_MAX } from "@/lib/passwords";

const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());

export const accountStatusAction = adminAction(
  z.object({ userId: z.string().min(1).max(64), op: z.enum(["activate", "block", "unblock"]) }),
  async (data, { user }) => {
    if (data.op === "block" && data.userId === user.id) {
      throw new UserError(ErrorCodes.NOT_ALLOWED, "You cannot block your own account.");
    }
    const done =
      data.op === "activate"
        ? await activateAccount(data.userId, user.id)
        : data.op === "block"
          ? await blockAccount(data.userId, user.id)
          : await unblockAccount(data.userId, user.id);
    revalidatePath("/admin/accounts");
    const words = { activate: "activated", block: "blocked", unblock: "unblocked" }[data.op];
    return { ok: true, message: done ? `Account ${words}.` : "Nothing to change: the account was already in that state." };
  },
);

export const accountRightsAction = adminAction(
  z.object({ userId: z.string().min(1).max(64), canChangePassword: checkbox, canReceiveSms: checkbox }),
  async (data, { user }) => {
    await setRights(data.userId, { canChangePassword: data.canChangePassword, canReceiveSms: data.canReceiveSms }, user.id);
    revalidatePath("/admin/accounts");
    return { ok: true, message: "Rights saved." };
  },
);

export const createAccountAction = adminAction(
  z.object({
    name: z.string().trim().min(1, "Enter a name.").max(100, "Use at most 100 characters."),
    email: z.string().trim().min(1, "Enter an email address.").max(254, "This email address is too long.").email("Enter a valid email address."),
    password: z.string().min(1, "Choose a password.").max(PASSWORD_MAX * 4, `Use at most ${PASSWORD_MAX} characters.`),
    emailConfirmed: checkbox,
  }),
  async (data, { user }) => {
    const created = await createAccountByAdmin({ ...data, actorId: user.id });
    revalidatePath("/admin/accounts");
    return { ok: true, message: `Account created for ${created.email}.` };
  },
);
