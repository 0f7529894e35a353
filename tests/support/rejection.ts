// The UserError a lib call must end with (a plain Error or a success fails the test).
import { expect } from "vitest";
import { UserError } from "@/lib/shared/errors";

export async function rejection(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}
