import "server-only";
// A new password as a form field: its rules are checked with the form's other fields, so every
// problem of a form shows at once (an empty name and a too-short password together).
import { passwordField } from "@/lib/shared/form-schemas";
import { passwordProblem } from "./index";

export const SAME_AS_EMAIL = "Your password cannot be your email address.";

/** A password being chosen: empty, too short, too long and too common are field errors. */
export const newPasswordField = (empty: string) =>
  passwordField(empty).superRefine((p, ctx) => {
    if (!p) return;
    const problem = passwordProblem(p);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** True when the password is the account's email address (checked beside the form's other problems). */
export function sameAsEmail(password: unknown, email: unknown): boolean {
  return typeof password === "string" && typeof email === "string" && email.trim() !== "" && passwordProblem(password, email) === SAME_AS_EMAIL;
}
