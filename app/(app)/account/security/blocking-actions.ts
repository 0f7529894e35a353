"use server";
// A9: the user's option *Notify about account blocking by email*.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { setBlockingNotice } from "@/lib/blocking";

// An unticked checkbox is absent from the form data.
const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());

export const saveBlockingNoticeAction = userAction(z.object({ notifyBlocking: checkbox }), async (data, { user }) => {
  await setBlockingNotice(user.id, data.notifyBlocking);
  revalidatePath("/account/security");
  return {
    ok: true,
    message: data.notifyBlocking ? "You will be emailed before your account is blocked." : "You will not be emailed about account blocking.",
  };
});
