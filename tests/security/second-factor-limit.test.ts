// Guessing the second step: 10 failed second factors per account within 15 minutes, whatever the
// method and however many sign-ins (challenges) they are spread over. After that even the right
// code is refused without being checked — and so without being used up.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getUser } from "@/lib/accounts/queries";
import { ErrorCodes } from "@/lib/shared/errors";
import { generateRecoveryCodes, remainingRecoveryCodes } from "@/lib/factors/recovery-codes";
import { checkSecondFactor } from "@/lib/factors/verify";
import { createChallenge, currentChallenge } from "@/lib/factors/challenge";
import { createUser } from "../support/fixtures";
import { jar } from "../support/cookie-jar";
import { rejection } from "../support/rejection";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

beforeEach(() => jar.clear());

/** A new sign-in of `userId` waiting at the verify step, as the verify action sees it. */
async function newSignIn(userId: string) {
  jar.clear();
  await createChallenge({ userId, firstFactor: "password", surface: "web", next: "/dashboard" });
  const pending = await currentChallenge();
  return { challenge: pending!.challenge, user: (await getUser(userId))!, ip: null };
}

/** These cases look at the factor alone: no session is opened with it. */
const nothingUnlocked = async () => {};

const wrong = (code: string) => code.replace(/[0-9a-z]/i, (c) => (c === "a" ? "b" : "a"));

describe("second-factor failures per account", () => {
  it("10 wrong recovery codes, spread over new sign-ins, then even a right one is refused and stays unused", async () => {
    const user = await createUser();
    const codes = await generateRecoveryCodes(user.id);
    for (let i = 0; i < 10; i++) {
      // A new sign-in for every try: the count belongs to the account, not to the challenge.
      const ctx = await newSignIn(user.id);
      const err = await rejection(checkSecondFactor(ctx, "recovery", { code: wrong(codes[i % codes.length]!) }, nothingUnlocked));
      expect(err.code, `try ${i + 1}`).toBe(ErrorCodes.INVALID_CODE);
    }
    const ctx = await newSignIn(user.id);
    const refused = await rejection(checkSecondFactor(ctx, "recovery", { code: codes[0]! }, nothingUnlocked));
    expect(refused.code).toBe(ErrorCodes.TOO_MANY_ATTEMPTS);
    expect(refused.message).toMatch(/^Too many failed attempts\. Try again in /);
    expect(await remainingRecoveryCodes(user.id)).toBe(10);
  });

  it("nine failures leave the right code working; another account is not affected", async () => {
    const [a, b] = [await createUser(), await createUser()];
    const codesA = await generateRecoveryCodes(a.id);
    const codesB = await generateRecoveryCodes(b.id);
    const ctxA = await newSignIn(a.id);
    for (let i = 0; i < 9; i++)
      expect((await rejection(checkSecondFactor(ctxA, "recovery", { code: wrong(codesA[i]!) }, nothingUnlocked))).code).toBe(ErrorCodes.INVALID_CODE);
    await checkSecondFactor(ctxA, "recovery", { code: codesA[0]! }, nothingUnlocked);
    expect(await remainingRecoveryCodes(a.id)).toBe(9);
    await checkSecondFactor(await newSignIn(b.id), "recovery", { code: codesB[0]! }, nothingUnlocked);
    expect(await remainingRecoveryCodes(b.id)).toBe(9);
  });
});
