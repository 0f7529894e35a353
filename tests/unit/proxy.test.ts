// proxy.ts on its own: the Origin check with its scheme (both ways), HSTS on an https site, the CSP of
// every response it sees, and a fresh nonce each time.
import { NextRequest } from "next/server";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { contentSecurityPolicy } from "@/lib/csp";
import { sameSiteOrigin } from "@/lib/origin";

describe("sameSiteOrigin (B5)", () => {
  const https = "https://accounts.example.com";
  const http = "http://localhost:3000";
  it("takes the base URL's origin and the Host the request came to, with the base URL's scheme only", () => {
    expect(sameSiteOrigin("https://accounts.example.com", "accounts.example.com", https)?.origin).toBe(https);
    expect(sameSiteOrigin("http://accounts.example.com", "accounts.example.com", https)).toBeNull();
    expect(sameSiteOrigin("https://localhost:3000", "localhost:3000", http)).toBeNull();
    expect(sameSiteOrigin("http://127.0.0.1:3000", "127.0.0.1:3000", http)?.host).toBe("127.0.0.1:3000");
    expect(sameSiteOrigin("https://evil.example", "accounts.example.com", https)).toBeNull();
    expect(sameSiteOrigin(null, "accounts.example.com", https)).toBeNull();
    expect(sameSiteOrigin("null", "accounts.example.com", https)).toBeNull();
    expect(sameSiteOrigin("javascript:alert(1)", "accounts.example.com", https)).toBeNull();
  });
});

describe("contentSecurityPolicy", () => {
  it("a nonce with 'strict-dynamic' per request, hashes with 'self' when prerendered, never 'unsafe-inline' for scripts", () => {
    const dynamic = contentSecurityPolicy({ nonce: "abc", https: true });
    expect(dynamic).toContain("script-src 'nonce-abc' 'strict-dynamic'");
    expect(dynamic).toContain("upgrade-insecure-requests");
    const prerendered = contentSecurityPolicy({ nonce: null, hashes: ["sha256-xyz"] });
    expect(prerendered).toContain("script-src 'self' 'sha256-xyz'");
    expect(prerendered).not.toContain("upgrade-insecure-requests");
    for (const p of [dynamic, prerendered]) {
      expect(p).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(p).toContain("object-src 'none'");
      expect(p).toContain("base-uri 'none'");
      expect(p).toContain("frame-ancestors 'none'");
      expect(p).toContain("form-action 'self'");
    }
  });
});

describe("proxy on an https site", () => {
  let proxy: typeof import("@/proxy").proxy;
  beforeAll(async () => {
    vi.stubEnv("LATCHKEY_BASE_URL", "https://accounts.example.com");
    vi.resetModules();
    proxy = (await import("@/proxy")).proxy;
  });

  it("sends HSTS and a new nonce with every page", async () => {
    const a = await proxy(new NextRequest("https://accounts.example.com/login"));
    const b = await proxy(new NextRequest("https://accounts.example.com/login"));
    expect(a.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    const nonce = (r: Response) => /'nonce-([^']+)'/.exec(r.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonce(a)).toBeTruthy();
    expect(nonce(a)).not.toBe(nonce(b));
  });

  it("refuses an http:// Origin of its own host, and a body that is not the multipart it claims", async () => {
    const post = (origin: string, init: { body?: string; type?: string } = {}) =>
      proxy(
        new NextRequest("https://accounts.example.com/login", {
          method: "POST",
          headers: { origin, host: "accounts.example.com", "content-type": init.type ?? "text/plain" },
          body: init.body ?? "x",
        }),
      );
    expect((await post("http://accounts.example.com")).status).toBe(403);
    expect((await post("https://accounts.example.com")).status).toBe(200);
    expect((await post("https://accounts.example.com", { type: "multipart/form-data; boundary=zzz", body: "garbage" })).status).toBe(400);
  });
});

describe("which requests the proxy sees (config.matcher)", () => {
  let config: typeof import("@/proxy").config;
  beforeAll(async () => {
    config = (await import("@/proxy")).config;
  });
  const sees = (url: string, headers: Record<string, string> = {}) => unstable_doesMiddlewareMatch({ config, url, headers });

  it("no GET or HEAD that cannot change state: the prerendered home page, /api, client navigations, build assets", () => {
    expect(sees("/")).toBe(false);
    expect(sees("/api/me", { authorization: "Bearer x" })).toBe(false);
    expect(sees("/dashboard", { rsc: "1" })).toBe(false);
    expect(sees("/_next/static/chunks/app.js")).toBe(false);
    expect(sees("/altcha/pbkdf2.js")).toBe(false);
  });

  it("every page rendered on request, for its nonce", () => {
    for (const page of ["/dashboard", "/login", "/account/security", "/admin", "/oidc/interaction/abc", "/no-such-page"]) expect(sees(page), page).toBe(true);
  });

  it("every request that can change state: an Origin, a body's Content-Type or Content-Length, on any path", () => {
    for (const path of ["/", "/login", "/api/me", "/api/cron/daily", "/oidc/token", "/dashboard"]) {
      expect(sees(path, { origin: "https://evil.example", rsc: "1" }), `${path} with an Origin`).toBe(true);
      expect(sees(path, { "content-type": "text/plain;charset=UTF-8", rsc: "1", "next-action": "x" }), `${path} with a body`).toBe(true);
      expect(sees(path, { "content-length": "0" }), `${path} with an empty body`).toBe(true);
    }
  });
});
