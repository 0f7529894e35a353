// SMS pumping from one client without a known IP (S8): with no trusted proxy the app cannot tell
// clients apart by address, so each SMS request is charged to its browser (a signed cookie, after a
// solved proof of work), to a small budget shared by every request without one, and to a site-wide
// limit on new numbers that halves each time it is reached. The figure docs/security.md reports — SMS sent
// for 100 attempts from one client to 100 numbers in one hour — is printed for each kind of client.
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTwilioFake, TWILIO_SID, TWILIO_TOKEN, type TwilioFake } from "../fakes/twilio";
import { LIMITS } from "@/lib/limits/catalogue";
import { ErrorCodes } from "@/lib/shared/errors";

vi.mock("next/headers", async () => (await import("../support/cookie-jar")).nextHeadersMock);

let twilio: TwilioFake;

async function load() {
  vi.stubEnv("LATCHKEY_SMS_PROVIDER", "twilio");
  vi.stubEnv("TWILIO_ACCOUNT_SID", TWILIO_SID);
  vi.stubEnv("TWILIO_AUTH_TOKEN", TWILIO_TOKEN);
  vi.stubEnv("TWILIO_FROM", "+15005550006");
  vi.stubEnv("TWILIO_BASE_URL", twilio.url);
  vi.resetModules();
  return {
    ...(await import("@/lib/phone/login")),
    ...(await import("@/lib/phone/register")),
    ...(await import("@/lib/phone/confirm")),
    ...(await import("@/lib/limits/sms-clients")),
    ...(await import("@/lib/limits/proof-of-work")),
    ...(await import("@/lib/settings")),
    ...(await import("@/lib/request")),
    clear: (await import("@/lib/limits/store")).clear,
    jar: await import("../support/cookie-jar"),
    db: (await import("@/lib/db")).db,
    schema: await import("@/db/schema"),
  };
}
let lib: Awaited<ReturnType<typeof load>>;

beforeAll(async () => {
  twilio = await startTwilioFake();
  lib = await load();
});
afterAll(async () => {
  await twilio.close();
  vi.unstubAllEnvs();
});
beforeEach(async () => {
  twilio.requests.length = 0;
  // Every case starts from untouched budgets.
  // eslint-disable-next-line drizzle/enforce-delete-with-where -- every budget, on purpose
  await lib.db.delete(lib.schema.rateLimits);
  lib.jar.jar.clear();
});

let serial = 0;
/** 100 valid US numbers under 100 prefixes, so no per-number or per-prefix budget is reached. */
const numbers = (n: number) =>
  Array.from({ length: n }, () => {
    const i = serial++;
    return `+1${["212", "415", "617", "305", "503", "646", "718", "917"][i % 8]}${String(200 + (Math.floor(i / 8) % 800)).padStart(3, "0")}${String(1000 + i).slice(-4)}`;
  });

async function attempts(client: () => Promise<{ browserId: string | null; pow: "verified" | "missing" }>) {
  let sent = 0;
  const refusals = new Map<string, number>();
  for (const phone of numbers(100)) {
    try {
      await lib.startPhoneRegistration(phone, null, await client());
      sent++;
    } catch (err) {
      const code = (err as { code?: string }).code ?? String(err);
      refusals.set(code, (refusals.get(code) ?? 0) + 1);
    }
  }
  return { sent, provider: twilio.calls(), refusals: Object.fromEntries(refusals) };
}

/** The proof of work a browser would post, solved here with the library's own solver. */
async function solved(): Promise<string> {
  const challenge = await lib.powChallenge();
  const solution = await solveChallenge({ challenge, deriveKey });
  return Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
}

describe("100 attempts from one client to 100 numbers in one hour", () => {
  it("a script without JavaScript (no proof of work): the shared anonymous budget, 10", async () => {
    const r = await attempts(async () => ({ browserId: null, pow: "missing" }));
    console.log("SMS for 100 attempts, no proof of work:", JSON.stringify(r));
    expect(r.sent).toBe(LIMITS.smsAnonymous().max);
    expect(r.provider).toBe(r.sent);
  });

  it("one browser that solves every challenge and keeps its cookie: its own budget, 5", async () => {
    const id = "one-browser";
    const r = await attempts(async () => ({ browserId: id, pow: "verified" }));
    console.log("SMS for 100 attempts, one browser:", JSON.stringify(r));
    expect(r.sent).toBe(LIMITS.smsPerBrowserHour("").max);
  });

  it("a script that solves every challenge with a new cookie each time: the site-wide new-number limit", async () => {
    const sms = await lib.getSettings("sms");
    let n = 0;
    const r = await attempts(async () => ({ browserId: `fresh-${n++}`, pow: "verified" }));
    console.log("SMS for 100 attempts, a new cookie each time:", JSON.stringify(r));
    expect(r.sent).toBe(sms.newNumbersHourly);
    expect(r.refusals[ErrorCodes.RATE_LIMITED]).toBe(100 - sms.newNumbersHourly);
    // Reaching it tightens it for the rest of the day.
    expect((await lib.newNumberLimit()).max).toBeLessThanOrEqual(sms.newNumbersHourly / 4);
  });
});

describe("the proof of work", () => {
  it("a solved challenge counts once; a replay, a forgery and a challenge for another purpose are refused", async () => {
    const payload = await solved();
    expect(await lib.verifyPow(payload)).toBe("verified");
    expect(await lib.verifyPow(payload).catch((e: { code?: string }) => e.code)).toBe(ErrorCodes.INVALID_INPUT);
    const forged = JSON.parse(Buffer.from(await solved(), "base64").toString("utf8"));
    forged.challenge.parameters.data.purpose = "other";
    expect(await lib.verifyPow(Buffer.from(JSON.stringify(forged)).toString("base64")).catch((e: { code?: string }) => e.code)).toBe(ErrorCodes.INVALID_INPUT);
    expect(await lib.verifyPow("not base64 json").catch((e: { code?: string }) => e.code)).toBe(ErrorCodes.INVALID_INPUT);
    expect(await lib.verifyPow(undefined)).toBe("missing");
    // Spent challenges are forgotten once they expire.
    expect(await lib.pruneSpentChallenges(new Date(Date.now() + 11 * 60_000))).toBeGreaterThanOrEqual(1);
  });

  it("the form's client: a browser without its cookie counts as anonymous once and gets the cookie", async () => {
    const first = await lib.smsClientOf(await solved());
    expect(first).toEqual({ browserId: null, pow: "verified" });
    expect([...lib.jar.jar.keys()]).toContain("lk_browser");
    const second = await lib.smsClientOf(await solved());
    expect(second.browserId).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // A tampered cookie is no browser at all.
    lib.jar.jar.set("lk_browser", `${second.browserId}.forged`);
    expect(await lib.browserId()).toBeNull();
  });
});

describe("behind a trusted proxy", () => {
  it("LATCHKEY_TRUST_PROXY=1: the client IP from X-Forwarded-For has its own budget of 20 SMS an hour", async () => {
    vi.stubEnv("LATCHKEY_TRUST_PROXY", "1");
    const proxied = await load();
    try {
      proxied.jar.requestHeaders.set("x-forwarded-for", "203.0.113.9, 10.0.0.1");
      const ip = await proxied.clientIp();
      expect(ip).toBe("10.0.0.1");
      proxied.jar.requestHeaders.set("x-forwarded-for", "10.0.0.1, 198.51.100.23");
      const client = await proxied.clientIp();
      expect(client).toBe("198.51.100.23");
      let sent = 0;
      let n = 0;
      for (const phone of numbers(25)) {
        try {
          await proxied.startPhoneRegistration(phone, client, { browserId: `b-${n++}`, pow: "verified" });
          sent++;
        } catch (err) {
          expect((err as { code?: string }).code).toBe(ErrorCodes.RATE_LIMITED);
        }
      }
      expect(sent).toBe(20);
    } finally {
      proxied.jar.requestHeaders.delete("x-forwarded-for");
      vi.stubEnv("LATCHKEY_TRUST_PROXY", undefined);
      lib = await load();
    }
  });
});
