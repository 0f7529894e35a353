// Account enumeration by timing (A8, B1): the server-side work of signup, login, recovery, phone
// login and resend-confirmation takes the same time for an existing and an unknown identifier.
// Measured on the lib functions each form calls (no HTTP noise): 100 tries per flow, existing and
// unknown interleaved (alternating which goes first); the median of the pairwise differences is
// compared with the medians. A loaded machine can skew one
// measurement, so a flow that misses is measured once more before the test fails. The figures are
// written to tests/.tmp/reports/enumeration-timing-<database>.json.
//
// Password sign-in spends one argon2id verification either way (a dummy hash for unknown
// identifiers). The other flows send a message only when the account exists (or, for sign-up, a
// different one when it does not): recovery, phone sign-in and resend-confirmation deliver it after
// the answer (lib/background.ts), and all four hold both answers to the same time
// (lib/uniform-time.ts). As Next's after() does for a response, deliveries start once the measured
// call has returned, and are awaited between tries so one try's message does not slow the next.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkPassword } from "@/lib/accounts/password";
import { createAccountByAdmin } from "@/lib/accounts/admin";
import { findUserByEmail } from "@/lib/accounts/queries";
import { resendConfirmationTo } from "@/lib/accounts/confirm-email";
import { signUpWithEmail } from "@/lib/accounts/sign-up";
import { startPhoneLogin } from "@/lib/phone/login";
import { startRecovery } from "@/lib/accounts/recovery";
import { answerFirst, deliveriesSettled } from "@/lib/delivery/deferred";
import { PASSWORD, smsClient, uniqueEmail } from "../support/fixtures";
import { median } from "./support";

const TRIES = 100; // per flow and measurement: half existing, half unknown
const TOLERANCE = 0.15;

type Account = { email: string; phone: string };
let serial = 0;
// Valid US numbers, one per account, under many prefixes (so no SMS budget is reached).
const nextPhone = () => {
  const n = serial++;
  return `+1${["212", "415", "617", "305", "503"][n % 5]}${700 + Math.floor(n / 5)}${String(1000 + n).slice(-4)}`;
};

/** Accounts with an unconfirmed email (so resend-confirmation sends) and a confirmed phone. */
async function accounts(n: number): Promise<Account[]> {
  const out: Account[] = [];
  for (let i = 0; i < n; i++) {
    const a = { email: uniqueEmail("timing"), phone: nextPhone() };
    await createAccountByAdmin({ name: "Timing", email: a.email, password: PASSWORD, emailConfirmed: false, phone: a.phone, actorId: null });
    out.push(a);
  }
  return out;
}

type Flow = (who: Account, existing: boolean) => Promise<unknown>;
const quiet = (p: Promise<unknown>) => p.catch(() => {});

const flows: Record<string, Flow> = {
  // What signInWithPassword does for an address: look the account up, then check the password.
  login: async (a) =>
    quiet(checkPassword({ user: await findUserByEmail(a.email), identifierKey: `email:${a.email}`, password: "not the password 1", ip: null })),
  recovery: (a) => startRecovery({ kind: "email", target: a.email }, null, smsClient()),
  "resend-confirmation": (a) => resendConfirmationTo(a.email),
  "phone login": (a) => startPhoneLogin(a.phone, null, smsClient()),
  signup: (a) => signUpWithEmail({ name: "Timing", email: a.email, password: "Amber kettle timing ridge", ip: null }),
};

const report: Record<string, unknown> = {};

async function measure(name: string, flow: Flow) {
  const half = TRIES / 2;
  const known = await accounts(half);
  const unknown = Array.from({ length: half }, () => ({ email: uniqueEmail("nobody"), phone: nextPhone() }));
  const t = { existing: [] as number[], unknown: [] as number[] };
  const run = async (a: Account, existing: boolean) => {
    // As in a request: what is delivered after the answer starts once the answer is ready.
    await answerFirst(async () => {
      const start = performance.now();
      await flow(a, existing);
      t[existing ? "existing" : "unknown"].push(performance.now() - start);
    });
    await deliveriesSettled();
  };
  for (let i = 0; i < half; i++) {
    if (i % 2) {
      await run(known[i]!, true);
      await run(unknown[i]!, false);
    } else {
      await run(unknown[i]!, false);
      await run(known[i]!, true);
    }
  }
  const [e, u] = [median(t.existing), median(t.unknown)];
  // Pairs ran back to back, so the median of their differences cancels load that drifts over the run.
  const paired = median(t.existing.map((x, i) => x - t.unknown[i]!));
  const gap = Math.abs(paired) / Math.max(e, u);
  return { existingMs: +e.toFixed(2), unknownMs: +u.toFixed(2), gap: +gap.toFixed(3) };
}

afterAll(() => {
  const dir = path.resolve("tests/.tmp/reports");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `enumeration-timing-${process.env.DATABASE_URL ? "postgres" : "pglite"}.json`), JSON.stringify(report, null, 2));
});

describe("enumeration by timing: median within 15 % over 100 interleaved tries", () => {
  for (const [name, flow] of Object.entries(flows)) {
    it(name, { timeout: 180_000 }, async () => {
      let m = await measure(name, flow);
      if (m.gap > TOLERANCE) {
        const first = m;
        m = await measure(name, flow);
        report[name] = { first, retry: m };
      } else report[name] = m;
      console.log(`timing ${name}: ${JSON.stringify(report[name])}`);
      expect(m.existingMs).toBeGreaterThan(0);
      expect(m.unknownMs).toBeGreaterThan(0);
      expect(m.gap, `${name}: existing ${m.existingMs} ms vs unknown ${m.unknownMs} ms`).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});
