// Cookie attributes (B2, ASVS V7) on an https:// site: the session and trusted-device cookies carry
// the `__Host-` prefix, and every cookie Latchkey sets is Secure, HttpOnly, SameSite=Lax and Path=/.
// (The e2e server runs on plain http, where browsers refuse both; tests/security/sessions.spec.ts
// checks the attributes there.) lib/env caches the environment, so the modules are loaded afresh.
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { jarOptions } from "../support/cookie-jar";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

const load = async (baseUrl: string) => {
  vi.stubEnv("LATCHKEY_BASE_URL", baseUrl);
  vi.resetModules();
  jarOptions.clear();
  return {
    auth: await import("@/lib/auth/cookie"),
    devices: await import("@/lib/factors/trusted-devices"),
    flow: await import("@/lib/flows"),
    fixtures: await import("../support/fixtures"),
  };
};

const STRICT = { httpOnly: true, sameSite: "lax", path: "/" };

describe("cookie attributes", () => {
  beforeAll(() => vi.unstubAllEnvs());
  afterAll(() => vi.unstubAllEnvs());

  it("on an https:// base URL: __Host- names, Secure, HttpOnly, SameSite=Lax, Path=/", async () => {
    const lib = await load("https://auth.example.com");
    expect(lib.auth.sessionCookieName()).toBe("__Host-latchkey.session");
    await lib.auth.setSessionCookie("A".repeat(43), new Date(Date.now() + 86_400_000));
    expect(jarOptions.get("__Host-latchkey.session")).toMatchObject({ ...STRICT, secure: true });
    await lib.auth.clearSessionCookie();
    // Removing a __Host- cookie needs the same attributes, or the browser ignores it.
    expect(jarOptions.get("__Host-latchkey.session")).toMatchObject({ ...STRICT, secure: true, maxAge: 0 });
    const user = await lib.fixtures.createUser();
    await lib.devices.rememberDevice(user.id, "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0");
    expect(lib.devices.trustedCookieName()).toBe("__Host-latchkey.device");
    expect(jarOptions.get("__Host-latchkey.device")).toMatchObject({ ...STRICT, secure: true });
    const flow = lib.flow.defineFlow({ name: "phone_login", ttlSeconds: 600, schema: z.object({ phone: z.string() }) });
    await flow.set({ phone: "+14155550100" });
    expect(jarOptions.get("lk_phone_login")).toMatchObject({ ...STRICT, secure: true, maxAge: 600 });
  });

  it("on a plain http:// base URL (development): no prefix and no Secure, the rest unchanged", async () => {
    const lib = await load("http://localhost:3000");
    expect(lib.auth.sessionCookieName()).toBe("latchkey.session");
    await lib.auth.setSessionCookie("A".repeat(43), new Date(Date.now() + 86_400_000));
    expect(jarOptions.get("latchkey.session")).toMatchObject({ ...STRICT, secure: false });
    const user = await lib.fixtures.createUser();
    await lib.devices.rememberDevice(user.id, "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0");
    expect(jarOptions.get("latchkey.device")).toMatchObject({ ...STRICT, secure: false });
  });
});
