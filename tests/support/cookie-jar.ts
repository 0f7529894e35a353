// A stand-in for next/headers in lib-level tests: one browser's cookie jar and request headers.
export const jar = new Map<string, string>();
export const requestHeaders = new Headers();

export const nextHeadersMock = {
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name)! } : undefined),
    set: (name: string, value: string) => void jar.set(name, value),
    delete: (name: string) => void jar.delete(name),
  }),
  headers: async () => requestHeaders,
};
