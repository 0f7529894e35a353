"use server";
// The Manager app's accounts page (A2, A9, A12): status, rights, blocking date, new accounts.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { checkbox, emailField, passwordField } from "@/lib/shared/form-schemas";
import { createAction, admin } from "@/lib/action";
import { activateAccount } from "@/lib/accounts/activation";
import { blockAccount, createAccountInManager, saveAccountRights, unblockAccount } from "@/lib/accounts/admin";
import { formatDay, setBlockingDate } from "@/lib/blocking";

export const accountStatusAction = createAction()
  .use(admin)
  .schema(z.object({ userId: z.string().min(1).max(64), op: z.enum(["activate", "block", "unblock"]) }))
  .run(async (data, { user }) => {
    const done =
      data.op === "activate"
        ? await activateAccount(data.userId, user.id)
        : data.op === "block"
          ? await blockAccount(data.userId, user.id)
          : await unblockAccount(data.userId, user.id);
    revalidatePath("/admin/accounts");
    const words = { activate: "activated", block: "blocked", unblock: "unblocked" }[data.op];
    return { ok: true, message: done ? `Account ${words}.` : "Nothing to change: the account was already in that state." };
  });

export const accountRightsAction = createAction()
  .use(admin)
  .schema(
    z.object({
      userId: z.string().min(1).max(64),
      canChangePassword: checkbox,
      canReceiveSms: checkbox,
      twoFactorWeb: checkbox,
      twoFactorManager: checkbox,
    }),
  )
  .run(async (data, { user }) => {
    const { userId, ...rights } = data;
    await saveAccountRights(userId, rights, user.id);
    revalidatePath("/admin/accounts");
    return { ok: true, message: "Rights saved." };
  });

export const createAccountAction = createAction()
  .use(admin)
  .schema(
    z.object({
      name: z.string().trim().min(1, "Enter a name.").max(100, "Use at most 100 characters."),
      email: emailField("Enter an email address."),
      password: passwordField("Choose a password."),
      emailConfirmed: checkbox,
      phone: z.string().trim().max(40, "This phone number is too long.").default(""),
      phoneCountry: z.string().trim().max(2).default(""),
    }),
  )
  .run(async (data, { user }) => {
    const created = await createAccountInManager({ ...data, actorId: user.id });
    revalidatePath("/admin/accounts");
    return { ok: true, message: `Account created for ${created.email}.` };
  });

// A9: the date from which an account is blocked; "clear" removes it.
export const accountBlockingDateAction = createAction()
  .use(admin)
  .schema(
    z.discriminatedUnion("op", [
      z.object({
        op: z.literal("set"),
        userId: z.string().min(1).max(64),
        blockOn: z
          .string({ error: "Choose a date." })
          .trim()
          .min(1, "Choose a date.")
          .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a valid date."),
      }),
      z.object({ op: z.literal("clear"), userId: z.string().min(1).max(64) }),
    ]),
  )
  .run(async (data, { user }) => {
    await setBlockingDate(data.userId, data.op === "set" ? data.blockOn : null, user.id);
    revalidatePath("/admin/accounts");
    return { ok: true, message: data.op === "set" ? `Blocking date set to ${formatDay(data.blockOn)}.` : "Blocking date cleared." };
  });
