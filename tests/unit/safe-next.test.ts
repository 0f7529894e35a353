import { describe, expect, it } from "vitest";
import { safeNext } from "@/lib/shared/safe-next";

describe("safeNext (B5: redirects after sign-in only to same-origin paths)", () => {
  it.each([
    ["/ok?x=1", "/ok?x=1"],
    ["/dashboard", "/dashboard"],
    ["/account/security#keys", "/account/security#keys"],
    ["/a/b?next=%2Fc", "/a/b?next=%2Fc"],
  ])("allows the same-origin path %s", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it.each([
    "//evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "https://evil.example",
    "http:/evil.example",
    "%2F%2Fevil.example",
    "%2f%2fevil.example",
    "/%2F%2Fevil.example",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/\u0000",
    "/%00",
    "%E0%A4%A", // malformed percent-encoding
  ])("refuses %j and falls back", (next) => {
    expect(safeNext(next)).toBe("/dashboard");
  });

  it("uses the given fallback", () => {
    expect(safeNext("//evil.example", "/profiles")).toBe("/profiles");
  });

  it("refuses non-strings and overlong values", () => {
    expect(safeNext(undefined)).toBe("/dashboard");
    expect(safeNext(null)).toBe("/dashboard");
    expect(safeNext(["/ok"])).toBe("/dashboard");
    expect(safeNext(`/${"a".repeat(600)}`)).toBe("/dashboard");
  });

  it.each(["/.//evil.example", "/..//evil.example", "/%2e%2e//evil.example", "/%2E//evil.example"])(
    "refuses %j, which URL normalisation would turn into //evil.example",
    (next) => {
      expect(safeNext(next)).toBe("/dashboard");
    },
  );

  it("normalises dot segments of a same-origin path", () => {
    expect(safeNext("/a/../ok")).toBe("/ok");
  });

  it("never returns something that leaves the origin", () => {
    const tricky = ["/.//evil.example", "/..//evil.example", "/%2e%2e//evil.example", "/./\\evil.example"];
    for (const t of tricky) {
      const out = safeNext(t);
      const u = new URL(out, "https://app.example");
      expect(u.origin, `${t} → ${out}`).toBe("https://app.example");
      expect(out.startsWith("//"), `${t} → ${out}`).toBe(false);
    }
  });

  it("is the function lib/action exports to the sign-in actions", async () => {
    const action = await import("@/lib/action");
    expect(action.safeNext).toBe(safeNext);
  });
});
