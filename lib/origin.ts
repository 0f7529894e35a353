// B5: whether a state-changing request comes from this site. Pure: imported by proxy.ts and tested alone.

/**
 * The request's Origin, when it is this site: the configured base URL's origin, or the Host the
 * request was sent to with the base URL's scheme (an https site refuses an http:// Origin of the
 * same host, and the other way round). A missing or opaque ("null") Origin is refused: browsers
 * send one with every POST. X-Forwarded-Host is not trusted (a client can forge it).
 */
export function sameSiteOrigin(origin: string | null, host: string | null, baseUrl: string): URL | null {
  if (!origin || origin === "null") return null;
  let from: URL;
  let base: URL;
  try {
    from = new URL(origin);
    base = new URL(baseUrl);
  } catch {
    return null;
  }
  if (from.protocol !== "http:" && from.protocol !== "https:") return null;
  if (from.origin === base.origin) return from;
  return host !== null && from.host === host && from.protocol === base.protocol ? from : null;
}
