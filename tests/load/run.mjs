// `npm run load`: many new visitors at once through sign-up → confirm → sign-in → two-step set-up,
// on two app instances sharing one Postgres database. See docs/benchmarks.md, "Load test".
//
// What it does
//   1. Builds once into its own folder (NEXT_DIST_DIR=.next-load).
//   2. Creates a fresh database on the local Postgres server and prepares it with tests/load/seed.ts
//      (migrations; 2FA on and required for new accounts in the Web app, email codes only,
//      confirmation by email, automatic activation; the accounts of the two-instance checks).
//   3. Starts two `next start` instances on free loopback ports with LATCHKEY_DEV_OUTBOX=1 (codes
//      are read from GET /api/dev/outbox) and the same AUTH_SECRET.
//   4. Runs LOAD_VUS virtual users at once (default 200), each a new visitor whose consecutive steps
//      alternate between the two instances (tests/load/client.mjs, newAccountFlow), while it
//      samples the servers' resident memory from /proc every 100 ms and probes GET /login every
//      250 ms (alternating instances) to see whether pages keep being served while sign-ins queue
//      for the bounded password hashing (LATCHKEY_HASH_CONCURRENCY).
//   5. Checks that limits hold across instances: 5 wrong codes for one issued code, alternating
//      instances, then the right code is refused; failed password sign-ins for one identifier hit
//      the per-identifier limit at the same count alternating instances as on one instance.
//   6. Prints a table, writes tests/load/results.json, stops the servers and drops the database.
//      Exits 1 on any error or failed check.
//
// Environment (all optional): LOAD_VUS (default 200), LOAD_RAMP_MS (spread of the VU starts,
// default 2000), LOAD_PG_URL (admin URL of the Postgres server, default
// postgres://postgres@127.0.0.1:5432/postgres), LOAD_SKIP_BUILD=1 (reuse an existing .next-load
// build), LOAD_HASH_CONCURRENCY (passed to the servers as LATCHKEY_HASH_CONCURRENCY; unset: the
// app's default).
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  DEFAULT_PG_ADMIN_URL,
  ROOT,
  TSX_BIN,
  appEnv,
  build,
  cleanupAll,
  cleanupOnSignals,
  createPostgresDb,
  freePort,
  loadavg,
  makeLog,
  request,
  round,
  run,
  startNext,
} from "../bench/harness.mjs";
import { Browser, StepError, expectStatus, formOf, newAccountFlow, outboxMessage, pageMessage, percentile, treeRss } from "./client.mjs";

const DIST_DIR = ".next-load";
const RESULTS_FILE = path.join(ROOT, "tests/load/results.json");
const VUS = Number(process.env.LOAD_VUS ?? 200);
const RAMP_MS = Number(process.env.LOAD_RAMP_MS ?? 2000);
const PG_ADMIN_URL = process.env.LOAD_PG_URL ?? DEFAULT_PG_ADMIN_URL;
const HASH_CONCURRENCY = process.env.LOAD_HASH_CONCURRENCY;
// Two by default (limits and codes must hold across instances); 1 puts every visitor on one process.
const INSTANCES = Math.max(1, Number(process.env.LOAD_INSTANCES ?? 2));
const RSS_BUDGET_BYTES = 512 * 2 ** 20;
const PROBE_EVERY_MS = 250;
const PASSWORD = "load-correct-horse-42";
const WRONG_PASSWORD = "load-wrong-horse-42";
const CHECK_CODE = "check-code@load.local";
const CHECK_LIMIT_ONE = "check-limit-one@load.local";
const CHECK_LIMIT_BOTH = "check-limit-both@load.local";
const STEPS = [
  "GET /signup",
  "POST /signup",
  "outbox (confirmation)",
  "GET /confirm/email",
  "POST /confirm/email",
  "GET /login",
  "POST /login",
  "GET /login/verify",
  "POST send code",
  "outbox (security code)",
  "POST verify",
  "GET recovery codes",
  "POST continue",
  "GET /dashboard",
];

const log = makeLog("load");
cleanupOnSignals();

// ——— servers ———

async function startInstances(dbUrl, count) {
  const ports = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  const env = (port) =>
    appEnv({
      DATABASE_URL: dbUrl,
      NEXT_DIST_DIR: DIST_DIR,
      LATCHKEY_BASE_URL: `http://localhost:${port}`,
      LATCHKEY_DEV_OUTBOX: "1",
      // tests/load/seed.ts has already applied the migrations.
      LATCHKEY_SKIP_MIGRATIONS: "1",
      ...(HASH_CONCURRENCY ? { LATCHKEY_HASH_CONCURRENCY: HASH_CONCURRENCY } : {}),
    });
  const t = Date.now();
  const servers = await Promise.all(ports.map((port) => startNext(env(port), port)));
  log(`${count} instances ready on 127.0.0.1:${ports.join(", ")} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return servers;
}

/** Samples each server's process-tree RSS every `everyMs` until stopped; keeps the peaks. */
function rssSampler(servers, everyMs = 100) {
  const peaks = servers.map(() => 0);
  let peakTotal = 0;
  let samples = 0;
  let processes = servers.map(() => 0);
  const sample = () => {
    let total = 0;
    servers.forEach((s, i) => {
      const r = treeRss(s.child.pid);
      processes[i] = r.processes;
      peaks[i] = Math.max(peaks[i], r.bytes);
      total += r.bytes;
    });
    peakTotal = Math.max(peakTotal, total);
    samples++;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakPerInstanceMiB: peaks.map((b) => round(b / 2 ** 20)), peakTotalMiB: round(peakTotal / 2 ** 20), samples, processesPerInstance: processes };
    },
  };
}

/** GET /login every `everyMs` on alternating instances, without waiting for the previous answer. */
function prober(ports, everyMs) {
  const answered = []; // [sent at (performance.now()), latency ms]
  const failures = {};
  const pending = new Set();
  let n = 0;
  const timer = setInterval(() => {
    const port = ports[n++ % ports.length];
    const t = performance.now();
    const p = request(port, { path: "/login", headers: { accept: "text/html" }, timeoutMs: 30_000 })
      .then((res) => {
        if (res.status === 200 && res.body.includes('name="identifier"')) answered.push([t, performance.now() - t]);
        else failures[`status ${res.status}`] = (failures[`status ${res.status}`] ?? 0) + 1;
      })
      .catch((err) => (failures[err.code ?? err.message] = (failures[err.code ?? err.message] ?? 0) + 1))
      .finally(() => pending.delete(p));
    pending.add(p);
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      return { answered, failures };
    },
  };
}

const latencySummary = (ms) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { requests: sorted.length, p50: round(percentile(sorted, 50) ?? 0), p99: round(percentile(sorted, 99) ?? 0), max: round(sorted.at(-1) ?? 0) };
};

/**
 * The probe's figures, overall and split by what the servers were doing when each probe was sent:
 * password requests (POST /signup, POST /login: one argon2id hash each) in flight, and more of them
 * than the instances have hashing slots (LATCHKEY_HASH_CONCURRENCY each), so some wait in the
 * queue; and per 10-second window of the run.
 */
function probeFigures({ answered, failures }, hashing, t0, slots) {
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  const inFlight = (t) => hashing.reduce((n, [s, e]) => n + (s <= t && t < e ? 1 : 0), 0);
  const busy = answered.filter(([t]) => inFlight(t) >= 1).map(([, ms]) => ms);
  const queued = answered.filter(([t]) => inFlight(t) > slots).map(([, ms]) => ms);
  const idle = answered.filter(([t]) => inFlight(t) === 0).map(([, ms]) => ms);
  const windows = [];
  for (const [t, ms] of answered) {
    const w = Math.floor((t - t0) / 10_000);
    (windows[w] ??= []).push(ms);
  }
  return {
    ...latencySummary(answered.map(([, ms]) => ms)),
    requests: answered.length + failed,
    failures: failed,
    failureKinds: failures,
    whilePasswordRequestsInFlight: latencySummary(busy),
    whilePasswordRequestsQueued: { hashingSlots: slots, ...latencySummary(queued) },
    withNoPasswordRequestInFlight: latencySummary(idle),
    maxPasswordRequestsInFlight: Math.max(0, ...hashing.map(([s]) => inFlight(s))),
    per10s: [...windows].map((ms, i) => ({ fromSecond: i * 10, ...latencySummary(ms ?? []) })),
  };
}

// ——— the virtual users ———

async function runVus(ports, hashing) {
  const timings = [];
  // Password requests' [start, end] (performance.now()), to read the probe against them.
  const onResponse = (step, _res, ms) => {
    if (step === "POST /signup" || step === "POST /login") hashing.push([performance.now() - ms, performance.now()]);
  };
  const errors = [];
  let completed = 0;
  const flowMs = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: VUS }, async (_, i) => {
      await new Promise((r) => setTimeout(r, Math.floor((i / VUS) * RAMP_MS)));
      const t = performance.now();
      try {
        await newAccountFlow({ ports, offset: i, email: `vu-${i}@load.local`, name: `Load User ${i}`, password: PASSWORD, timings, onResponse });
        completed++;
        flowMs.push(performance.now() - t);
      } catch (err) {
        errors.push({
          vu: i,
          step: err instanceof StepError ? err.step : "unexpected",
          detail: err instanceof StepError ? err.detail : String(err.stack ?? err),
        });
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const steps = STEPS.map((step) => {
    const ms = timings
      .filter(([s]) => s === step)
      .map(([, v]) => v)
      .sort((a, b) => a - b);
    return { step, requests: ms.length, p50: round(percentile(ms, 50) ?? 0), p99: round(percentile(ms, 99) ?? 0), max: round(ms.at(-1) ?? 0) };
  });
  flowMs.sort((a, b) => a - b);
  return {
    vus: VUS,
    completed,
    errors,
    seconds: round(seconds, 2),
    flowsPerSec: round(completed / seconds, 2),
    requests: timings.length,
    requestsPerSec: round(timings.length / seconds, 1),
    flow: { p50: round(percentile(flowMs, 50) ?? 0), p99: round(percentile(flowMs, 99) ?? 0) },
    steps,
  };
}

// ——— checks across instances ———

/** 5 wrong codes for one issued code on alternating instances, then the right one: it must be refused. */
async function checkCodeAttempts([a, b = a]) {
  const s = new Browser();
  let page = await s.get("GET /login", a, "/login");
  let res = await s.post("POST /login", a, "/login", formOf("GET /login", page.body, { inputs: ["identifier", "password"] }), [
    ["identifier", CHECK_CODE],
    ["password", PASSWORD],
  ]);
  expectStatus("POST /login", res, 303, /\/login\/verify$/);
  page = await s.get("GET /login/verify", b, "/login/verify");
  res = await s.post("POST send code", a, "/login/verify", formOf("GET /login/verify", page.body, { button: "Send code" }), []);
  if (!res.body.includes("We sent a code to")) throw new StepError("POST send code", pageMessage(res.body));
  const verifyForm = formOf("POST send code", res.body, { button: "Verify", inputs: ["code"] });
  const right = /\b(\d{6})\b/.exec((await outboxMessage(s, "outbox", b, CHECK_CODE, (m) => /security code/i.test(m.subject ?? ""))).subject)[1];
  const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
  const attempts = [];
  for (let i = 0; i < 5; i++) {
    const port = i % 2 ? a : b;
    res = await s.post("POST verify (wrong)", port, "/login/verify", verifyForm, [["code", wrong]]);
    attempts.push({
      instance: i % 2 ? "A" : "B",
      status: res.status,
      refused: res.status === 200 && res.body.includes("That code is not right"),
      message: pageMessage(res.body),
    });
  }
  res = await s.post("POST verify (right)", a, "/login/verify", verifyForm, [["code", right]]);
  const rightRefused = res.status === 200 && res.body.includes("Too many wrong tries for this code");
  const pass = attempts.every((x) => x.refused) && rightRefused;
  return {
    name: "5 wrong codes for one issued code on alternating instances, then the right code is refused",
    pass,
    wrongAttempts: attempts,
    rightCode: { instance: "A", status: res.status, location: res.headers.location ?? null, refused: rightRefused, message: pageMessage(res.body) },
  };
}

/** Failed sign-ins for one identifier until refused: the count at which the limit answers. */
async function attemptsUntilLimited(ports, identifier, max) {
  const b = new Browser();
  const page = await b.get("GET /login", ports[0], "/login");
  const form = formOf("GET /login", page.body, { inputs: ["identifier", "password"] });
  for (let i = 1; i <= max; i++) {
    const res = await b.post("POST /login", ports[(i - 1) % ports.length], "/login", form, [
      ["identifier", identifier],
      ["password", WRONG_PASSWORD],
    ]);
    if (res.status === 200 && res.body.includes("Too many sign-in attempts")) return i;
    if (!(res.status === 200 && res.body.includes("The email, phone or password is not right."))) {
      throw new StepError("POST /login (wrong password)", `status ${res.status} (${pageMessage(res.body)})`);
    }
  }
  return null;
}

async function checkPasswordLimit(ports, limits) {
  const limit = limits.signInPerIdentifier.max;
  const oneInstance = await attemptsUntilLimited([ports[0]], CHECK_LIMIT_ONE, limit + 5);
  const alternating = await attemptsUntilLimited(ports, CHECK_LIMIT_BOTH, limit + 5);
  return {
    name: "failed password sign-ins for one identifier hit the per-identifier limit at the same count on alternating instances as on one",
    pass: oneInstance === limit + 1 && alternating === oneInstance,
    limit: limits.signInPerIdentifier,
    firstRefusedAttemptOneInstance: oneInstance,
    firstRefusedAttemptAlternating: alternating,
  };
}

// ——— output ———

function printTable(r) {
  const header = ["step", "requests", "p50 ms", "p99 ms", "max ms"];
  const lines = r.vus.steps.map((s) => [s.step, String(s.requests), String(s.p50), String(s.p99), String(s.max)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log("");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(line(l));
  console.log("");
  const v = r.vus;
  console.log(`virtual users: ${v.vus} on ${r.instances} instances, completed ${v.completed}, errors ${v.errors.length}, in ${v.seconds} s`);
  console.log(
    `throughput: ${v.flowsPerSec} complete sign-ups/s, ${v.requestsPerSec} requests/s (${v.requests} requests); whole flow p50 ${v.flow.p50} ms, p99 ${v.flow.p99} ms`,
  );
  console.log(
    `peak RSS per instance: ${r.memory.peakPerInstanceMiB.map((m) => `${m} MiB`).join(", ")} (both: ${r.memory.peakTotalMiB} MiB; before the run ${r.memory.beforeMiB.map((m) => `${m} MiB`).join(", ")}); budget 512 MiB per instance: ${r.memory.withinBudget ? "within" : "OVER"}`,
  );
  const p = r.probe;
  const fig = (x) => `${x.requests} probes, p50 ${x.p50} ms, p99 ${x.p99} ms`;
  console.log(`probe GET /login every ${PROBE_EVERY_MS} ms: ${p.requests} requests, p50 ${p.p50} ms, p99 ${p.p99} ms, max ${p.max} ms, failures ${p.failures}`);
  console.log(
    `  sent while password requests were in flight: ${fig(p.whilePasswordRequestsInFlight)}; while more than the ${p.whilePasswordRequestsQueued.hashingSlots} hashing slots (queued): ${fig(p.whilePasswordRequestsQueued)}; with none: ${fig(p.withNoPasswordRequestInFlight)}; at most ${p.maxPasswordRequestsInFlight} in flight`,
  );
  console.log(`  per 10 s: ${p.per10s.map((w) => `${w.fromSecond}s: p50 ${w.p50}/max ${w.max} ms (${w.requests})`).join("; ")}`);
  for (const c of r.checks) console.log(`${c.pass ? "PASS" : "FAIL"}: ${c.name}`);
  for (const e of v.errors.slice(0, 20)) console.log(`error: VU ${e.vu} at ${e.step}: ${e.detail}`);
  if (v.errors.length > 20) console.log(`… and ${v.errors.length - 20} more errors`);
}

// ——— main ———

async function main() {
  const loadAtStart = loadavg();
  log(`load average ${loadAtStart.join(" ")} on ${os.cpus().length} cores`);
  await build({ distDir: DIST_DIR, reuse: process.env.LOAD_SKIP_BUILD === "1", reuseVar: "LOAD_SKIP_BUILD", log });

  const pg = await createPostgresDb({ adminUrl: PG_ADMIN_URL, prefix: "latchkey_load", log });
  if (pg.skipped) throw new Error(pg.skipped);
  log(`created database ${pg.name}`);
  const seedOut = await run(
    process.execPath,
    [
      TSX_BIN,
      "--conditions=react-server",
      "tests/load/seed.ts",
      "--account",
      CHECK_CODE,
      "--account",
      CHECK_LIMIT_ONE,
      "--account",
      CHECK_LIMIT_BOTH,
      "--password",
      PASSWORD,
    ],
    { env: appEnv({ DATABASE_URL: pg.url }) },
  );
  const limits = JSON.parse(/^limits (.*)$/m.exec(seedOut)[1]);
  log(`settings applied; per-identifier sign-in limit ${limits.signInPerIdentifier.max} per ${limits.signInPerIdentifier.windowSeconds / 60} min`);

  const servers = await startInstances(pg.url, INSTANCES);
  const ports = servers.map((s) => s.port);
  // One visitor first: warms every route of both instances, and fails fast if the flow is broken.
  await newAccountFlow({ ports, email: "warm-up@load.local", name: "Warm Up", password: PASSWORD });
  await newAccountFlow({ ports, offset: 1, email: "warm-up-2@load.local", name: "Warm Up", password: PASSWORD });
  const beforeMiB = servers.map((s) => round(treeRss(s.child.pid).bytes / 2 ** 20));
  log(`warmed up; RSS ${beforeMiB.map((m) => `${m} MiB`).join(", ")}; ${VUS} virtual users…`);

  const loadDuring = [];
  const loadTimer = setInterval(() => loadDuring.push(os.loadavg()[0]), 1000);
  const rss = rssSampler(servers);
  const probe = prober(ports, PROBE_EVERY_MS);
  const hashing = [];
  const t0 = performance.now();
  const vus = await runVus(ports, hashing);
  // LATCHKEY_HASH_CONCURRENCY defaults to 4 (lib/env.ts).
  const probeResult = probeFigures(await probe.stop(), hashing, t0, Number(HASH_CONCURRENCY ?? 4) * servers.length);
  const memory = { ...rss.stop(), beforeMiB };
  clearInterval(loadTimer);
  memory.withinBudget = memory.peakPerInstanceMiB.every((m) => m * 2 ** 20 < RSS_BUDGET_BYTES);
  log(`virtual users done: ${vus.completed}/${VUS} in ${vus.seconds} s, ${vus.errors.length} errors`);

  const checks = [];
  for (const [name, check] of [
    ["code attempts across instances", () => checkCodeAttempts(ports)],
    ["sign-in limit across instances", () => checkPasswordLimit(ports, limits)],
  ]) {
    try {
      checks.push(await check());
    } catch (err) {
      checks.push({ name, pass: false, error: err.message });
    }
  }
  checks.push({ name: "no errors in the virtual users' flows", pass: vus.errors.length === 0 && vus.completed === VUS, errors: vus.errors.length });
  checks.push({ name: `peak RSS of each instance under 512 MiB`, pass: memory.withinBudget, peakPerInstanceMiB: memory.peakPerInstanceMiB });
  checks.push({
    name: "every probe GET /login answered 200 during the run",
    pass: probeResult.failures === 0 && probeResult.requests > 0,
    failures: probeResult.failures,
  });

  const serverErrors = servers.flatMap((s) =>
    s
      .output()
      .split("\n")
      .filter((l) => /⨯|Error|error/.test(l)),
  );
  if (serverErrors.length) log(`the servers logged ${serverErrors.length} error line(s), first: ${serverErrors[0].slice(0, 300)}`);

  const cpus = os.cpus();
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? "unknown",
      memoryGiB: round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg(),
      oneMinuteLoadDuringRun: loadDuring.length ? { min: round(Math.min(...loadDuring), 2), max: round(Math.max(...loadDuring), 2) } : null,
    },
    settings: {
      vus: VUS,
      rampMs: RAMP_MS,
      instances: servers.length,
      database: "postgres",
      hashConcurrency: HASH_CONCURRENCY ? Number(HASH_CONCURRENCY) : "app default",
      probeEveryMs: PROBE_EVERY_MS,
    },
    instances: servers.length,
    vus,
    memory,
    probe: probeResult,
    checks,
    serverErrorLines: serverErrors.length,
  };
  printTable(results);
  writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + "\n");
  log(`wrote ${path.relative(ROOT, RESULTS_FILE)}`);
  return checks.every((c) => c.pass);
}

let exitCode = 0;
try {
  if (!(await main())) exitCode = 1;
} catch (err) {
  console.error(`\nload test failed: ${err.stack ?? err.message ?? err}`);
  exitCode = 1;
} finally {
  await cleanupAll();
  log(`done in ${((Date.now() - log.started) / 1000).toFixed(0)} s`);
}
process.exit(exitCode);
