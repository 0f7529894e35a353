import "server-only";
// The scheduled jobs: access to their routes under /api/cron/ (`Authorization: Bearer <CRON_SECRET>`,
// compared in constant time) and the daily run.
import { oidcHousekeeping } from "@/lib/oidc/grants";
import { createHash, timingSafeEqual } from "node:crypto";
import { sendBlockingNotices } from "./blocking";
import { env } from "./env";
import { retrySecurityNotices } from "@/lib/delivery/notices";
import { pruneSpentChallenges } from "@/lib/limits/proof-of-work";
import { pruneRecords } from "@/lib/housekeeping";

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

/**
 * The daily jobs, each safe to run more than once a day: blocking notices (A9), security notices
 * whose delivery failed, spent proof-of-work challenges that have expired, and pruning (audit
 * entries past the retention setting; ended codes, links, challenges, sessions and limiter windows).
 */
export async function runDailyJobs(now = new Date()) {
  const blockingNotices = await sendBlockingNotices({ now });
  const securityNotices = await retrySecurityNotices(now);
  const spentChallengesPruned = await pruneSpentChallenges(now);
  const oidc = await oidcHousekeeping();
  const pruned = await pruneRecords(now);
  return { blockingNotices, securityNotices, spentChallengesPruned, oidc, pruned };
}
