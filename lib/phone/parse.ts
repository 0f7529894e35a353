import "server-only";
// Phone numbers (P3): parsed and validated with libphonenumber-js (full metadata, so the line type is known), stored in E.164.
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from "libphonenumber-js/max";
import { ErrorCodes, UserError } from "@/lib/shared/errors";

export type ParsedPhone = { e164: string; country: CountryCode | undefined };

export const isCountryCode = (c: string): c is CountryCode => (getCountries() as string[]).includes(c);

/**
 * Parses what a user typed in a phone field. A number starting with + or 00 ignores the country
 * selector; otherwise the selected country applies. Refuses invalid, too short or too long numbers
 * and numbers that cannot receive SMS (landlines, premium, shared cost…).
 */
export function parsePhone(input: string, country: string, field = "phone"): ParsedPhone {
  const raw = input.trim().replace(/^00/, "+");
  if (!raw) throw new UserError(ErrorCodes.INVALID_INPUT, "Enter your phone number.", field);
  if (raw.length > 40 || /[a-z]/i.test(raw.replace(/ext\.?|x/gi, ""))) {
    throw new UserError(ErrorCodes.INVALID_INPUT, "A phone number contains digits only (spaces, dashes and a leading + are fine).", field);
  }
  const cc = isCountryCode(country) ? country : undefined;
  if (!raw.startsWith("+") && !cc) throw new UserError(ErrorCodes.INVALID_INPUT, "Choose the country of this number.", `${field}Country`);
  const lengthProblem = validatePhoneNumberLength(raw, cc);
  if (lengthProblem === "TOO_SHORT" || lengthProblem === "NOT_A_NUMBER") {
    throw new UserError(ErrorCodes.INVALID_INPUT, "This phone number is too short.", field);
  }
  if (lengthProblem === "TOO_LONG") throw new UserError(ErrorCodes.INVALID_INPUT, "This phone number is too long.", field);
  if (lengthProblem === "INVALID_COUNTRY") throw new UserError(ErrorCodes.INVALID_INPUT, "This country code is not valid.", field);
  const parsed = parsePhoneNumberFromString(raw, cc);
  if (!parsed || !parsed.isValid()) {
    throw new UserError(ErrorCodes.INVALID_INPUT, "This is not a valid phone number for the selected country.", field);
  }
  const type = parsed.getType();
  // Unknown types are accepted: metadata cannot always tell, and the SMS provider will refuse a landline.
  if (type && type !== "MOBILE" && type !== "FIXED_LINE_OR_MOBILE") {
    throw new UserError(ErrorCodes.INVALID_INPUT, "This number cannot receive text messages. Enter a mobile number.", field);
  }
  return { e164: parsed.number, country: parsed.country };
}

/** Country of an E.164 number, if known. */
export function countryOf(e164: string): CountryCode | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}

/** "+1 415 555 2671" for display. */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return "";
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** Options for the country selector: "United Kingdom (+44)", sorted by name. */
export function countryOptions(): Array<{ value: string; label: string }> {
  const names = new Intl.DisplayNames(["en"], { type: "region" });
  return getCountries()
    .map((c) => ({ value: c, label: `${names.of(c) ?? c} (+${getCountryCallingCode(c)})` }))
    .sort((a, b) => a.label.localeCompare(b.label));
}
