// B3: sensitive changes need a sign-in within the last 15 minutes, or the password confirmed again.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getUser } from "@/lib/accounts/queries";
import type { Current } from "@/lib/auth/current";
import { assertRecentSignIn, confirmPassword, stepUpNeeded } from "@/lib/auth/step-up";
import { ErrorCodes } from "@/lib/shared/errors";
import { ageSession, createUser, minutesAgo, PASSWORD, sessionIdOf, sessionRow, signedInSession } from "../support/fixtures";
import { jar } from "../support/cookie-jar";
import { rejection } from "../support/rejection";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

beforeEach(() => jar.clear());

/** The signed-in state an action sees, for a session signed in `minutes` ago. */
async function signedIn(minutes: number): Promise<Current> {
  const user = await createUser();
  const token = await signedInSession(user.id);
  await ageSession(token, { createdAt: minutesAgo(minutes) });
  return { session: (await sessionRow(token))!, user: (await getUser(user.id))!, token, sessionId: sessionIdOf(token) };
}

describe("step-up before sensitive changes (B3)", () => {
  it("a sign-in within 15 minutes allows the change; an older one asks for the password", async () => {
    const fresh = await signedIn(5);
    expect(await stepUpNeeded(fresh)).toBe(false);
    await assertRecentSignIn(fresh);
    const old = await signedIn(16);
    expect(await stepUpNeeded(old)).toBe(true);
    expect((await rejection(assertRecentSignIn(old))).code).toBe(ErrorCodes.STEP_UP_REQUIRED);
  });

  it("the right password renews the 15 minutes for this session only; a wrong one does not", async () => {
    const c = await signedIn(30);
    const wrong = await rejection(confirmPassword(c, "not the password at all"));
    expect(wrong.code).toBe(ErrorCodes.WRONG_PASSWORD);
    expect(wrong.field).toBe("password");
    expect(await stepUpNeeded(c)).toBe(true);
    await confirmPassword(c, PASSWORD);
    expect(await stepUpNeeded(c)).toBe(false);
    // The renewal is bound to its session: another session of the same browser jar is not renewed.
    const other = await signedIn(30);
    expect(await stepUpNeeded(other)).toBe(true);
    // And it lasts 15 minutes.
    expect(await stepUpNeeded(c, Date.now() + 16 * 60_000)).toBe(true);
  });

  it("wrong passwords are limited per account", async () => {
    const c = await signedIn(30);
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) codes.push((await rejection(confirmPassword(c, `wrong password ${i}`))).code);
    expect(codes.slice(0, 9).every((x) => x === ErrorCodes.WRONG_PASSWORD)).toBe(true);
    expect(codes[10]).toBe(ErrorCodes.TOO_MANY_ATTEMPTS);
    // Even the right password waits now.
    expect((await rejection(confirmPassword(c, PASSWORD))).code).toBe(ErrorCodes.TOO_MANY_ATTEMPTS);
  });
});
