// lib/rate-limit with UPSTASH_REDIS_REST_URL/TOKEN set: counts go through @upstash/ratelimit and the
// Upstash fake into the real Redis; when Upstash is unreachable the Postgres limiter takes over (O2, S8).
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startUpstashFake, type UpstashFake } from "../fakes/upstash";

type RateLimit = typeof import("@/lib/limits/store");

let fake: UpstashFake;
let rl: RateLimit;
let outage: RateLimit;
const OUTAGE_TIMEOUT_MS = 2000;
let postgresCount: (key: string) => Promise<number | null>;
const run = randomBytes(5).toString("hex");
/** A limit counted under `k`, as the catalogue binds one. */
const keyed = (k: string, limit: { max: number; windowSeconds: number }) => ({ ...limit, key: k, name: "test" });
const key = (name: string) => `test:${run}:${name}`;
const HOUR = { windowSeconds: 3600 }; // windows align to the epoch: long ones keep a test inside one

beforeAll(async () => {
  fake = await startUpstashFake();
  // lib/env caches the environment on first use: set it, then load the lib modules afresh.
  vi.stubEnv("UPSTASH_REDIS_REST_URL", fake.url);
  vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", fake.token);
  // Generous here so a loaded machine does not turn a slow answer into a fallback…
  vi.stubEnv("UPSTASH_TIMEOUT_MS", "5000");
  vi.resetModules();
  rl = await import("@/lib/limits/store");
  (await import("@/lib/env")).env(); // read (and cached) now, before the variable changes below
  // …and short in a second copy of the module for the outage tests, so "hang" costs little.
  vi.stubEnv("UPSTASH_TIMEOUT_MS", String(OUTAGE_TIMEOUT_MS));
  vi.resetModules();
  outage = await import("@/lib/limits/store");
  // The first request of a process loads fetch and has the fake learn the scripts: not under test.
  await rl.hit(keyed(key("warm-up"), { max: 1, ...HOUR }));
  await outage.hit(keyed(key("warm-up"), { max: 1, ...HOUR }));
  const { db } = await import("@/lib/db");
  const { rateLimits } = await import("@/db/schema");
  const { eq } = await import("drizzle-orm");
  postgresCount = async (k) => {
    const [row] = await db.select({ count: rateLimits.count }).from(rateLimits).where(eq(rateLimits.key, k));
    return row?.count ?? null;
  };
});

afterEach(() => {
  fake.mode("ok");
  vi.restoreAllMocks();
});

afterAll(async () => {
  const keys = (await fake.redis.command(["KEYS", `latchkey:test:${run}:*`])) as string[];
  if (keys.length) await fake.redis.command(["DEL", ...keys]);
  await fake.close();
  vi.unstubAllEnvs();
});

const redisKeys = async (k: string) => (await fake.redis.command(["KEYS", `latchkey:${k}:*`])) as string[];

describe("rate limits in Upstash", () => {
  it("counts each hit in Redis under the latchkey prefix, not in Postgres", async () => {
    const k = key("count");
    const limit = { max: 5, ...HOUR };
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await rl.hit(keyed(k, limit)));
    expect(results.map((r) => [r.success, r.count, r.remaining])).toEqual([
      [true, 1, 4],
      [true, 2, 3],
      [true, 3, 2],
    ]);
    expect(results[0]!.resetAt.getTime()).toBeGreaterThan(Date.now());

    const keys = await redisKeys(k);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^latchkey:test:${run}:count:\\d+$`));
    expect(await fake.redis.command(["GET", keys[0]!])).toBe("3");
    expect(await postgresCount(k)).toBeNull();

    // The library asks for the script by sha1 first; the fake answered NOSCRIPT once, then EVAL.
    const names = fake.commands.map((c) => c[0]!.toUpperCase());
    expect(names).toContain("EVALSHA");
    expect(names).toContain("EVAL");
  });

  it("lets exactly max of 30 parallel hits through", async () => {
    const k = key("parallel");
    const results = await Promise.all(Array.from({ length: 30 }, () => rl.hit(keyed(k, { max: 10, ...HOUR }))));
    expect(results.filter((r) => r.success)).toHaveLength(10);
    expect(results.filter((r) => !r.success).every((r) => r.remaining === 0 && r.count > 10)).toBe(true);
    const [redisKey] = await redisKeys(k);
    expect(await fake.redis.command(["GET", redisKey!])).toBe("30");
  });

  it("peeks without counting and says when the limit is reached", async () => {
    const k = key("peek");
    const limit = { max: 3, ...HOUR };
    expect(await rl.peek(keyed(k, limit))).toMatchObject({ success: true, count: 0, remaining: 3 });
    await rl.hit(keyed(k, limit));
    await rl.hit(keyed(k, limit));
    expect(await rl.peek(keyed(k, limit))).toMatchObject({ success: true, count: 2, remaining: 1 });
    await rl.hit(keyed(k, limit));
    expect(await rl.peek(keyed(k, limit))).toMatchObject({ success: false, count: 3, remaining: 0 });
    const [redisKey] = await redisKeys(k);
    expect(await fake.redis.command(["GET", redisKey!])).toBe("3");
  });

  it("clear() removes the key's windows from Redis", async () => {
    const k = key("clear[1]*"); // glob characters in a key must not widen the delete
    const other = key("clear[1]x");
    const limit = { max: 2, ...HOUR };
    await rl.hit(keyed(k, limit));
    await rl.hit(keyed(k, limit));
    await rl.hit(keyed(other, limit));
    expect((await rl.hit(keyed(k, limit))).success).toBe(false);
    await rl.clear({ key: k });
    expect(await redisKeys(key("clear\\[1\\]\\*"))).toHaveLength(0);
    expect(await redisKeys(key("clear\\[1\\]x"))).toHaveLength(1);
    expect(await rl.hit(keyed(k, limit))).toMatchObject({ success: true, count: 1 });
  });

  it.each([
    ["down", "connections cut"],
    ["unavailable", "503"],
    ["hang", "no answer"],
  ] as const)(
    "falls back to Postgres when Upstash is %s (%s) and still limits",
    async (mode, _what) => {
      const k = key(`fallback-${mode}`);
      const limit = { max: 3, ...HOUR };
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});
      fake.mode(mode);
      const started = Date.now();
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await outage.hit(keyed(k, limit)));
      // Bounded by UPSTASH_TIMEOUT_MS per call, not the library's 5 s default.
      expect(Date.now() - started).toBeLessThan(5 * (OUTAGE_TIMEOUT_MS + 1000));
      expect(results.map((r) => r.success)).toEqual([true, true, true, false, false]);
      expect(await postgresCount(k)).toBe(5);
      expect(await redisKeys(k)).toHaveLength(0);
      expect((await outage.peek(keyed(k, limit))).success).toBe(false);
      // Logged once for the outage, not once per call.
      const outageLines = errors.mock.calls.filter((c) => String(c[0]).includes("Upstash Redis unreachable"));
      expect(outageLines).toHaveLength(1);
      expect(String(outageLines[0]![0])).not.toContain(fake.token);

      // Back up: counting returns to Redis, and clear() also forgets the Postgres count.
      fake.mode("ok");
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      expect((await outage.hit(keyed(k, limit))).success).toBe(true);
      expect(await redisKeys(k)).toHaveLength(1);
      expect(warn.mock.calls.some((c) => String(c[0]).includes("reachable again"))).toBe(true);
      await outage.clear({ key: k });
      expect(await postgresCount(k)).toBeNull();
      expect(await redisKeys(k)).toHaveLength(0);
    },
    60_000,
  );

  it("never fails open on wrong credentials either", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", "not-the-token");
    vi.resetModules();
    const wrong: RateLimit = await import("@/lib/limits/store");
    const k = key("wrong-token");
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await wrong.hit(keyed(k, { max: 2, ...HOUR })));
    expect(results.map((r) => r.success)).toEqual([true, true, false]);
    expect(await postgresCount(k)).toBe(3);
    vi.stubEnv("UPSTASH_REDIS_REST_TOKEN", fake.token);
  });
});
