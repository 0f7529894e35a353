// lib/phone/parse (P3): what a phone field accepts, how it is stored (E.164), and the message for each refusal.
import { describe, expect, it } from "vitest";
import { countryOf, formatPhone, isCountryCode, parsePhone } from "@/lib/phone/parse";
import { UserError } from "@/lib/shared/errors";

/** The refusal's field and message, or "accepted". */
function refusal(input: string, country: string) {
  try {
    parsePhone(input, country);
    return "accepted";
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return `${err.field}: ${err.message}`;
  }
}

describe("parsePhone", () => {
  it.each([
    ["+44 7400 123456", "", "+447400123456", "GB"],
    ["0044 7400 123456", "US", "+447400123456", "GB"],
    ["07400 123456", "GB", "+447400123456", "GB"],
    ["(415) 555-2671", "US", "+14155552671", "US"],
    ["+33 6 12 34 56 78", "DE", "+33612345678", "FR"],
  ])("%s (country %s) → %s", (input, country, e164, cc) => {
    expect(parsePhone(input, country)).toEqual({ e164, country: cc });
  });

  it("a number starting with + ignores the selected country", () => {
    expect(parsePhone("+447400123456", "US").e164).toBe("+447400123456");
  });

  it.each([
    ["", "US", "phone: Enter your phone number."],
    ["call me maybe", "US", "phone: A phone number contains digits only (spaces, dashes and a leading + are fine)."],
    ["7400 123456", "", "phoneCountry: Choose the country of this number."],
    ["+1 415", "", "phone: This phone number is too short."],
    ["+44 7400 123456 123456 7", "", "phone: This phone number is too long."],
    ["+44 20 7946 0958", "", "phone: This number cannot receive text messages. Enter a mobile number."],
    ["+1 555 010 0000", "", "phone: This is not a valid phone number for the selected country."],
  ])("refuses %j (country %j) with its own message", (input, country, expected) => {
    expect(refusal(input, country)).toBe(expected);
  });

  it("names the field it was given, for forms whose phone field is called something else", () => {
    expect(() => parsePhone("", "US", "identifier")).toThrow(expect.objectContaining({ field: "identifier" }));
  });
});

describe("display helpers", () => {
  it("formats E.164 for people and finds its country", () => {
    expect(formatPhone("+447400123456")).toBe("+44 7400 123456");
    expect(formatPhone(null)).toBe("");
    expect(countryOf("+14155552671")).toBe("US");
    expect(isCountryCode("GB")).toBe(true);
    expect(isCountryCode("XX")).toBe(false);
  });
});
