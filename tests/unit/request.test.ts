import { describe, expect, it } from "vitest";
import { deviceLabel, ipFromHeaders } from "@/lib/request";

const h = (init: Record<string, string>) => new Headers(init);

describe("ipFromHeaders (S8: forwarding headers only behind trusted proxies)", () => {
  it("ignores X-Forwarded-For and X-Real-IP when no proxy is trusted", () => {
    expect(ipFromHeaders(h({ "x-forwarded-for": "203.0.113.7", "x-real-ip": "203.0.113.8" }), 0)).toBeNull();
  });

  it("with one trusted proxy takes the rightmost address (the one that proxy saw)", () => {
    expect(ipFromHeaders(h({ "x-forwarded-for": "6.6.6.6, 203.0.113.7" }), 1)).toBe("203.0.113.7");
  });

  it("a client-supplied prefix cannot choose the address", () => {
    // The client sends "X-Forwarded-For: 1.1.1.1"; the trusted proxy appends what it saw.
    expect(ipFromHeaders(h({ "x-forwarded-for": "1.1.1.1,198.51.100.4" }), 1)).toBe("198.51.100.4");
  });

  it("with two trusted proxies takes the second address from the right", () => {
    expect(ipFromHeaders(h({ "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.2" }), 2)).toBe("203.0.113.7");
  });

  it("trims spaces and skips empty entries", () => {
    expect(ipFromHeaders(h({ "x-forwarded-for": " 203.0.113.7 ,, " }), 1)).toBe("203.0.113.7");
  });

  it("falls back to X-Real-IP when the chain is shorter than the trusted hops", () => {
    expect(ipFromHeaders(h({ "x-forwarded-for": "203.0.113.7", "x-real-ip": " 198.51.100.9 " }), 2)).toBe("198.51.100.9");
  });

  it("returns null behind a trusted proxy that sent no forwarding header", () => {
    expect(ipFromHeaders(h({}), 1)).toBeNull();
  });

  it("keeps IPv6 addresses intact", () => {
    expect(ipFromHeaders(h({ "x-forwarded-for": "2001:db8::1" }), 1)).toBe("2001:db8::1");
  });
});

describe("deviceLabel", () => {
  const cases: Array<[string, string]> = [
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome on Windows"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge on Windows"],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox on Linux"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS"],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "Safari on iOS",
    ],
    ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome on Android"],
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36", "Chrome on Linux"],
    ["curl/8.5.0", "Script on unknown system"],
    ["SomethingElse/1.0", "Browser on unknown system"],
  ];

  it.each(cases)("labels %s", (ua, label) => {
    expect(deviceLabel(ua)).toBe(label);
  });

  it("says 'Unknown device' without a user agent", () => {
    expect(deviceLabel(null)).toBe("Unknown device");
    expect(deviceLabel(undefined)).toBe("Unknown device");
    expect(deviceLabel("")).toBe("Unknown device");
  });
});
