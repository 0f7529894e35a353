import "server-only";
// Access to the scheduled-job routes under /api/cron/: `Authorization: Bearer <CRON_SECRET>`, compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "./env";

const digest = (v: string) => createHash("sha256").update(v).digest();

/** "ok", "denied" (missing or wrong secret) or "unconfigured" (CRON_SECRET unset: the routes stay closed). */
export function cronAuthorized(header: string | null): "ok" | "denied" | "unconfigured" {
  const secret = env().CRON_SECRET;
  if (!secret) return "unconfigured";
  const m = /^Bearer (.+)$/.exec(header ?? "");
  if (!m || m[1]!.length > 1024) return "denied";
  // Fixed-length digests: the comparison takes the same time whatever the length of the guess.
  return timingSafeEqual(digest(m[1]!), digest(secret)) ? "ok" : "denied";
}
