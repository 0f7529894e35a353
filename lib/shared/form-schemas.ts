// The zod shapes every form shares: a checkbox, an email address, a one-time code, a password, a phone pair, a WebAuthn response.
import { z } from "zod";
import { PASSWORD_MAX } from "@/lib/passwords";

/** An HTML checkbox: "on" when ticked, absent when not (JSON callers may send a boolean). */
export const checkbox = z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean());

/** An email address typed into a form; `empty` says which one ("Enter an email address."). */
export const emailField = (empty = "Enter your email address.") =>
  z.string().trim().min(1, empty).max(254, "This email address is too long.").email("Enter a valid email address, like name@example.com.");

/** A typed one-time code; `empty` says where to find it ("Enter the code from your app."). */
export const codeField = (empty = "Enter the code.") => z.string().trim().min(1, empty).max(20, "Enter the 6-digit code.");

/** A password being typed. An overlong one answers `tooLong` (sign-in says only that it is not right). */
export const passwordField = (empty: string, tooLong = `Use at most ${PASSWORD_MAX} characters.`) =>
  z
    .string()
    .min(1, empty)
    .max(PASSWORD_MAX * 4, tooLong);

/**
 * A new password typed twice: the second must match the first. The server passes its own
 * `newPassword` field (lib/passwords/schema.ts) so the password's rules are told with the rest.
 */
export const newPasswordPair = <T extends z.ZodRawShape>(rest: T, newPassword: z.ZodType<string> = passwordField("Choose a new password.")) =>
  z
    .object({ ...rest, newPassword, confirmPassword: passwordField("Type the new password again.") })
    .refine((d) => (d as { newPassword: string }).newPassword === (d as { confirmPassword: string }).confirmPassword, {
      path: ["confirmPassword"],
      message: "The two new passwords do not match.",
    });

export const phoneInput = {
  phone: z.string().trim().min(1, "Enter your phone number.").max(40, "This phone number is too long."),
  phoneCountry: z.string().trim().max(2, "Choose a country.").default(""),
};

export const codeInput = { code: codeField() };

/**
 * A WebAuthn response as the browser's JSON: its shape is checked here and its content by
 * @simplewebauthn/server, which reads it as `RegistrationResponseJSON` / `AuthenticationResponseJSON`.
 */
export const webauthnResponse = z
  .object({
    id: z.string().min(1).max(1400),
    rawId: z.string().min(1).max(1400),
    type: z.literal("public-key"),
    response: z.record(z.string(), z.unknown()),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.string().max(40).optional(),
  })
  .passthrough();

/** The authenticator app's key while it is being set up: shown once, to its owner. */
export type TotpSecret = { secret: string; qrDataUrl: string };

/** Recovery codes just made (the first method set up, or new ones asked for): shown once, to their owner. */
export type NewRecoveryCodes = { recoveryCodes?: string[] };
