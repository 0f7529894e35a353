// Redirect targets after sign-in: only same-origin paths (B5), never a protocol-relative or foreign URL.
/** Same-origin path for redirects after sign-in; anything else falls back to `fallback`. */
export function safeNext(next: unknown, fallback = "/dashboard"): string {
  if (typeof next !== "string" || next.length > 512) return fallback;
  let decoded = next;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return fallback;
  }
  for (const s of [next, decoded]) {
    if (!s.startsWith("/") || s.startsWith("//") || s.startsWith("/\\") || /[\u0000-\u001f\\]/.test(s)) return fallback;
  }
  try {
    const u = new URL(next, "http://latchkey.invalid");
    if (u.origin !== "http://latchkey.invalid") return fallback;
    const out = u.pathname + u.search + u.hash;
    // Dot segments normalise ("/.//evil.example" → "//evil.example"): never hand back a protocol-relative URL.
    return out.startsWith("//") ? fallback : out;
  } catch {
    return fallback;
  }
}
