import "server-only";
// Facts about the current request: client IP (forwarding headers only when trusted) and device label.
import { headers } from "next/headers";
import { env } from "./env";

/**
 * The client IP. X-Forwarded-For is honoured only when LATCHKEY_TRUST_PROXY says how many proxies
 * stand in front of the app; then the address that many hops from the right is taken.
 */
export async function clientIp(): Promise<string | null> {
  const h = await headers();
  return ipFromHeaders(h, env().LATCHKEY_TRUST_PROXY);
}

export function ipFromHeaders(h: Headers, trustedProxies: number): string | null {
  if (trustedProxies > 0) {
    const chain = (h.get("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (chain.length >= trustedProxies) return chain[chain.length - trustedProxies]!;
    const real = h.get("x-real-ip");
    if (real) return real.trim();
  }
  // Without a trusted proxy, headers are the client's word and are ignored; per-IP limits then
  // do not apply and the per-account and per-target limits carry the load.
  return null;
}

export async function userAgent(): Promise<string> {
  return ((await headers()).get("user-agent") ?? "").slice(0, 400);
}

/** A short human label for a user agent: "Chrome on Linux". */
export function deviceLabel(ua: string | null | undefined): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : /curl|autocannon|node/i.test(ua)
            ? "Script"
            : "Browser";
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Android/.test(ua)
      ? "Android"
      : /iPhone|iPad/.test(ua)
        ? "iOS"
        : /Mac OS X/.test(ua)
          ? "macOS"
          : /Linux/.test(ua)
            ? "Linux"
            : "unknown system";
  return `${browser} on ${os}`;
}
