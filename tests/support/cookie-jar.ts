// A stand-in for next/headers in lib-level tests: one browser's cookie jar and request headers.
// Kept on globalThis: a test that reloads modules (vi.resetModules) still sees the one jar.
const shared = globalThis as { __latchkeyTestJar?: { jar: Map<string, string>; options: Map<string, Record<string, unknown>>; headers: Headers } };
shared.__latchkeyTestJar ??= { jar: new Map(), options: new Map(), headers: new Headers() };
export const jar = shared.__latchkeyTestJar.jar;
/** The options each cookie was last set with (Secure, HttpOnly, SameSite, Path, Max-Age…). */
export const jarOptions = shared.__latchkeyTestJar.options;
export const requestHeaders = shared.__latchkeyTestJar.headers;

export const nextHeadersMock = {
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    set: (name: string, value: string, options: Record<string, unknown> = {}) => {
      jar.set(name, value);
      jarOptions.set(name, options);
    },
    delete: (name: string) => void jar.delete(name),
  }),
  headers: async () => requestHeaders,
};
