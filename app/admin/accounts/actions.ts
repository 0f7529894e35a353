"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/lib/action";
import { activateAccount } from "@/lib/accounts/activation";
import { blockAccount, createAccountByAdmin, setRights, unblockAccount } from "@/lib/accounts/admin";
import { formatDay, setBlockingDate } from "@/lib/blocking";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { PASSWORD_MAX } from "@/lib/passwords";
import { getUser } from "@/lib/accounts/queries";
import { parsePhone } from "@/lib/phone/parse";
import { loadPolicy } from "@/lib/factors/policy";
import { setTwoFactorFor } from "@/lib/factors/manage";

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
  z.object({
    userId: z.string().min(1).max(64),
    canChangePassword: checkbox,
    canReceiveSms: checkbox,
    twoFactorWeb: checkbox,
    twoFactorManager: checkbox,
  }),
  async (data, { user }) => {
    await setRights(data.userId, { canChangePassword: data.canChangePassword, canReceiveSms: data.canReceiveSms }, user.id);
    const target = await getUser(data.userId);
    if (target && target.twoFactorWeb !== data.twoFactorWeb) await setTwoFactorFor(target, "web", data.twoFactorWeb, user.id);
    if (target?.isAdmin && target.twoFactorManager !== data.twoFactorManager) await setTwoFactorFor(target, "manager", data.twoFactorManager, user.id);
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
    phone: z.string().trim().max(40, "This phone number is too long.").default(""),
    phoneCountry: z.string().trim().max(2).default(""),
  }),
  async (data, { user }) => {
    const policy = await loadPolicy();
    // T8/A12: while SMS is an allowed 2FA method, every account needs a phone.
    if (!data.phone && policy.enabled && policy.allowedMethods.includes("sms")) {
      throw new UserError(ErrorCodes.INVALID_INPUT, "Enter a phone number: SMS is an allowed two-step method.", "phone");
    }
    const phone = data.phone ? parsePhone(data.phone, data.phoneCountry).e164 : null;
    const created = await createAccountByAdmin({ ...data, phone, actorId: user.id });
    revalidatePath("/admin/accounts");
    return { ok: true, message: `Account created for ${created.email}.` };
  },
);

// A9: the date from which an account is blocked; "clear" removes it.
export const accountBlockingDateAction = adminAction(
  z.discriminatedUnion("op", [
    z.object({
      op: z.literal("set"),
      userId: z.string().min(1).max(64),
      blockOn: z.string({ error: "Choose a date." }).trim().min(1, "Choose a date.").regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a valid date."),
    }),
    z.object({ op: z.literal("clear"), userId: z.string().min(1).max(64) }),
  ]),
  async (data, { user }) => {
    if (data.op === "set" && data.userId === user.id) {
      throw new UserError(ErrorCodes.NOT_ALLOWED, "You cannot schedule blocking for your own account.", "blockOn");
    }
    await setBlockingDate(data.userId, data.op === "set" ? data.blockOn : null, user.id);
    revalidatePath("/admin/accounts");
    return { ok: true, message: data.op === "set" ? `Blocking date set to ${formatDay(data.blockOn)}.` : "Blocking date cleared." };
  },
);
