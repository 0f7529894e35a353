// Phone-number enumeration from a signed-in account (B5, A4/P3): adding or changing a phone (security
// tab, /confirm) and setting up SMS during sign-in answer alike for a number another account owns and
// for a free one; the owner gets an email instead of an SMS; the attempts are limited per account.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { users } from "@/db/schema";
import { getUser } from "@/lib/accounts/queries";
import { answerFirst, deliveriesSettled } from "@/lib/delivery/deferred";
import { ErrorCodes } from "@/lib/shared/errors";
import { listOutbox } from "@/lib/delivery/outbox";
import { claimPhone, finishPhoneConfirmation, startPhoneConfirmation } from "@/lib/phone/confirm";
import { sendSecondFactorCode } from "@/lib/factors/verify";
import { createUser } from "../support/fixtures";
import { rejection } from "../support/rejection";

let serial = 0;
/** A US number no other test uses. */
const freshNumber = () => `+1212${String(5550000 + Math.floor(Math.random() * 40_000) * 10 + (serial++ % 10)).slice(-7)}`;

async function ownerOf(phone: string) {
  const owner = await createUser({ name: "Nora Owner" });
  await db.update(users).set({ phone, phoneVerifiedAt: new Date() }).where(eq(users.id, owner.id));
  return owner;
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ ok: true as const, value: v }),
    (err: { code?: string; message?: string; field?: string }) => ({ ok: false as const, code: err.code, message: err.message, field: err.field }),
  );

const smsTo = async (to: string) => (await listOutbox(to)).filter((m) => m.channel === "sms");
const mailsTo = async (to: string) => (await listOutbox(to)).filter((m) => m.channel === "email");

describe("a taken number answers like a free one", () => {
  it("security tab and /confirm: same answer, no SMS to the taken number, an email to its owner", async () => {
    const taken = freshNumber();
    const owner = await ownerOf(taken);
    const free = freshNumber();
    const claimant = await createUser();
    const takenAnswer = await answerFirst(() => outcome(startPhoneConfirmation(claimant.id, taken, null)));
    const freeAnswer = await answerFirst(() => outcome(startPhoneConfirmation(claimant.id, free, null)));
    await deliveriesSettled();
    expect(takenAnswer).toEqual(freeAnswer);
    expect(takenAnswer.ok).toBe(true);
    expect(await smsTo(taken)).toHaveLength(0);
    expect(await smsTo(free)).toHaveLength(1);
    const notice = await mailsTo(owner.email!);
    expect(notice.map((m) => m.subject)).toEqual(["Someone tried to add your phone number to another account"]);
    expect(notice[0]!.body).not.toMatch(/\b\d{6}\b/);
    // No code exists for the taken number: any code is wrong, and the number stays with its owner.
    const err = await rejection(finishPhoneConfirmation(claimant.id, taken, "123456"));
    expect(err.code).toBe(ErrorCodes.INVALID_CODE);
    expect((await getUser(owner.id))!.phone).toBe(taken);
  });

  it("SMS set-up during sign-in: the same", async () => {
    const taken = freshNumber();
    const owner = await ownerOf(taken);
    const claimant = await createUser();
    const a = await answerFirst(() => outcome(claimPhone(claimant, taken, "two_factor", null)));
    const b = await answerFirst(() => outcome(claimPhone(claimant, freshNumber(), "two_factor", null)));
    await deliveriesSettled();
    expect(a).toEqual(b);
    expect(await smsTo(taken)).toHaveLength(0);
    expect((await mailsTo(owner.email!)).length).toBe(1);
  });

  it("SMS set-up during sign-in right after the owner was sent a sign-in code: still the answer of a free number", async () => {
    const taken = freshNumber();
    const owner = await ownerOf(taken);
    await sendSecondFactorCode((await getUser(owner.id))!, "sms", null);
    const claimant = await createUser();
    const a = await answerFirst(() => outcome(claimPhone(claimant, taken, "two_factor", null)));
    const b = await answerFirst(() => outcome(claimPhone(claimant, freshNumber(), "two_factor", null)));
    await deliveriesSettled();
    expect(a).toEqual(b);
    expect(a.ok).toBe(true);
  });

  it("is limited per account: 10 numbers an hour, taken or free, then refused", async () => {
    const claimant = await createUser();
    const taken = freshNumber();
    await ownerOf(taken);
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await answerFirst(() => outcome(startPhoneConfirmation(claimant.id, i % 2 ? taken : freshNumber(), null))));
    // The taken number's own 30-second cooldown applies to it as to any number.
    expect(answers.filter((x) => x.ok).length).toBeGreaterThanOrEqual(5);
    const refused = await rejection(startPhoneConfirmation(claimant.id, freshNumber(), null));
    expect(refused.code).toBe(ErrorCodes.RATE_LIMITED);
    await deliveriesSettled();
  });
});
