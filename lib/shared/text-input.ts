// Text typed by people (form fields, search boxes, query parameters): Postgres text cannot hold a NUL
// byte and no field needs other control characters, so they are refused with a message, never sent on.
import { z } from "zod";

// C0 controls but tab, line feed and carriage return (which multi-line fields keep), and DEL.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export const hasControlCharacters = (s: string) => CONTROL.test(s);

export const CONTROL_CHARACTERS_MESSAGE = "This contains characters that are not allowed. Remove them and try again.";

/** A search box or filter: trimmed, at most `max` characters, no control characters; empty means no filter. */
export const searchText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .refine((s) => !hasControlCharacters(s), CONTROL_CHARACTERS_MESSAGE)
    .optional()
    .transform((s) => s || undefined);
