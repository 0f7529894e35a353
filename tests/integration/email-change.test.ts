// A10: changing the account's email on the security tab, confirmed by a code sent to the new address.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { users } from "@/db/schema";
import { getUser } from "@/lib/accounts/queries";
import { finishEmailChange, startEmailChange } from "@/lib/accounts/email-change";
import { ErrorCodes } from "@/lib/shared/errors";
import { createUser, emailsTo, uniqueEmail } from "../support/fixtures";
import { rejection } from "../support/rejection";

async function changeCode(address: string) {
  const mail = (await emailsTo(address)).find((m) => m.subject?.startsWith("Confirm your new email address"));
  const code = mail && /Your code is (\d{6})\./.exec(mail.body)?.[1];
  if (!code) throw new Error(`no change code to ${address}`);
  return code;
}

describe("email change (A10)", () => {
  it("a code sent to the new address makes it the confirmed email; the old address is told", async () => {
    const user = await createUser();
    const next = uniqueEmail("new");
    expect(await startEmailChange(user, `  ${next.toUpperCase()} `)).toBe(next);
    // Nothing changes until the code comes back.
    expect((await getUser(user.id))!.email).toBe(user.email);
    await finishEmailChange(user, next, await changeCode(next));
    const after = (await getUser(user.id))!;
    expect(after.email).toBe(next);
    expect(after.emailVerifiedAt).toBeInstanceOf(Date);
    expect((await emailsTo(user.email!)).some((m) => m.subject === "Your Latchkey email address was changed")).toBe(true);
    // The code was single use.
    expect((await rejection(finishEmailChange(after, next, await changeCode(next)))).field).toBe("code");
  });

  it("an address that has an account gets a notice, no code, and the same answer", async () => {
    const user = await createUser();
    const other = await createUser();
    expect(await startEmailChange(user, other.email!)).toBe(other.email);
    const mails = await emailsTo(other.email!);
    expect(mails.some((m) => m.subject === "This address already has a Latchkey account")).toBe(true);
    expect(mails.some((m) => m.subject?.startsWith("Confirm your new email address"))).toBe(false);
    expect((await rejection(finishEmailChange(user, other.email!, "123456"))).field).toBe("code");
    expect((await getUser(user.id))!.email).toBe(user.email);
  });

  it("refuses a wrong code, a code issued for another account, and the current address", async () => {
    const user = await createUser();
    const intruder = await createUser();
    const next = uniqueEmail("new");
    await startEmailChange(user, next);
    const code = await changeCode(next);
    const wrong = code === "000000" ? "111111" : "000000";
    expect((await rejection(finishEmailChange(user, next, wrong))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await rejection(finishEmailChange(intruder, next, code))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await rejection(startEmailChange(user, user.email!))).field).toBe("email");
  });

  it("email codes set up on the old address move to the new one; without them they stay off", async () => {
    const user = await createUser();
    await db
      .update(users)
      .set({ twoFactorEmailConfirmedAt: new Date(0) })
      .where(eq(users.id, user.id));
    const withCodes = (await getUser(user.id))!;
    const next = uniqueEmail("new");
    await startEmailChange(withCodes, next);
    await finishEmailChange(withCodes, next, await changeCode(next));
    expect((await getUser(user.id))!.twoFactorEmailConfirmedAt!.getTime()).toBeGreaterThan(0);
    const plain = await createUser();
    const other = uniqueEmail("new");
    await startEmailChange(plain, other);
    await finishEmailChange(plain, other, await changeCode(other));
    expect((await getUser(plain.id))!.twoFactorEmailConfirmedAt).toBeNull();
  });
});
