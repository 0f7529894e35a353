// The zod shapes of a phone field pair (number + country) and a code field, shared by every phone form.
import { z } from "zod";

export const phoneInput = {
  phone: z.string().trim().min(1, "Enter your phone number.").max(40, "This phone number is too long."),
  phoneCountry: z.string().trim().max(2, "Choose a country.").default(""),
};

export const codeInput = {
  code: z.string().trim().min(1, "Enter the code.").max(12, "Enter the 6-digit code."),
};
