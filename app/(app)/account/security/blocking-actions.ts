"use server";
// A9: the user's option *Notify about account blocking by email*.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { checkbox } from "@/lib/shared/form-schemas";
import { createAction, signedIn } from "@/lib/action";
import { setBlockingNotice } from "@/lib/blocking";

// An unticked checkbox is absent from the form data.

export const saveBlockingNoticeAction = createAction()
  .use(signedIn)
  .schema(z.object({ notifyBlocking: checkbox }))
  .run(async (data, { user }) => {
    await setBlockingNotice(user.id, data.notifyBlocking);
    revalidatePath("/account/security");
    return {
      ok: true,
      message: data.notifyBlocking ? "You will be emailed before your account is blocked." : "You will not be emailed about account blocking.",
    };
  });
