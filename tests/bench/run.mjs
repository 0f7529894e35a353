// `npm run bench`: load benchmark of a production build against embedded PGlite and Postgres.
//
// What it does
//   1. Builds once into its own folder (NEXT_DIST_DIR=.next-bench) so it never clobbers `.next`.
//   2. Measures bare argon2id verifications/s in this process (@node-rs/argon2, m=19456 KiB, t=2,
//      p=1, as many in flight as the login scenarios have connections): the ceiling for sign-ins.
//   3. For each database — PGlite in a fresh temporary LATCHKEY_DATA_DIR, then a fresh database on
//      the local Postgres server (skipped with a clear line when it is unreachable) — starts
//      `next start` on a free loopback port and runs autocannon (loopback only, bounded duration)
//      against: GET / (prerendered), GET /dashboard with a session cookie, a failed sign-in and a
//      successful sign-in through the login form.
//   4. Prints a table (scenario × database: req/s, p50, p99, errors), writes tests/bench/results.json,
//      stops every server it started and drops the Postgres database, even on failure.
//
// How the login form is posted without a browser
//   The form is a server action used with useActionState, which Next renders as a plain HTML form
//   (multipart/form-data, method POST) with hidden inputs ($ACTION_REF_1, $ACTION_1:0, $ACTION_1:1,
//   $ACTION_KEY). The harness GETs /login, copies every hidden input of the <form>, adds
//   identifier and password, and POSTs to /login with `Origin: http://localhost:PORT` (Next refuses
//   server actions whose Origin does not match the Host). A wrong password answers 200 with the
//   error in the page; the right one answers 303 to /dashboard with a Set-Cookie.
//
// Why many accounts
//   lib/accounts.ts checkPassword counts every password attempt against a per-identifier limit
//   (10 per 15 minutes; lib/rate-limit.ts) before checking the hash; the right password then clears
//   that count. Failed sign-ins therefore exhaust an identifier after 10 tries, and 20 concurrent
//   successful ones on one identifier could pass 10 before any clears. The per-IP limit does not
//   apply: without LATCHKEY_TRUST_PROXY the client IP is unknown. So each login scenario rotates
//   through its own pool of accounts and uses each at most 9 times; the pool is sized from the
//   measured argon2id rate. A rate-limited answer is counted as an error, so an undersized pool shows.
//
// How the accounts are created
//   Before `next start`, tests/bench/seed-users.ts (tsx, the same lib functions the app uses:
//   migrateDatabase + createAccountByAdmin) creates them in the target database and closes it.
//   Seeding before the server starts matters for PGlite: only one process may open a data folder.
//   The server then creates its first admin from LATCHKEY_ADMIN_EMAIL/PASSWORD at start-up; the
//   harness signs in once as that admin through the form to get the /dashboard session cookie.
//
// Processes, the build, the temporary database, `next start` and form posting come from
// tests/bench/harness.mjs, shared with the load and fault tests.
//
// Environment (all optional): BENCH_DURATION (seconds per scenario, default 6),
// BENCH_PG_URL (admin URL of the Postgres server, default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_SKIP_BUILD=1 (reuse an existing .next-bench build), BENCH_ONLY=pglite|postgres.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { hash, verify } from "@node-rs/argon2";
import autocannon from "autocannon";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  DIST_DIR,
  INVALID_CREDENTIALS,
  PASSWORD,
  USES_PER_ACCOUNT,
  WRONG_PASSWORD,
  loginFormFields,
  startLatchkey,
} from "./latchkey.mjs";
import {
  ROOT,
  TSX_BIN,
  appEnv,
  build as buildInto,
  cleanupAll,
  cleanupOnSignals,
  createPostgresDb as createDb,
  freePort,
  loadavg,
  makeLog,
  onCleanup,
  multipart,
  formPostHeaders,
  request,
  round,
  run,
  scriptsShipped,
  writeResultsSection,
  sessionCookieOf,
  stopChild,
} from "./harness.mjs";

// `npm run bench -- --against-reference` and `npm run bench -- --scale` are separate modes.
const mode = process.argv.includes("--against-reference") ? "./against-reference.mjs" : process.argv.includes("--scale") ? "./scale.mjs" : null;
if (mode) {
  await import(mode); // runs to completion and exits
}

const RESULTS_FILE = path.join(ROOT, "tests/bench/results.json");
const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ONLY = process.env.BENCH_ONLY;
const PAGE_CONNECTIONS = 50;
const LOGIN_CONNECTIONS = 20;
const ARGON2_NEAR_SECONDS = 4;
const ARGON = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 }; // 2 = Argon2id

const log = makeLog("bench");
const started = log.started;
cleanupOnSignals();

const build = () => buildInto({ distDir: DIST_DIR, reuse: process.env.BENCH_SKIP_BUILD === "1", reuseVar: "BENCH_SKIP_BUILD", log });
const createPostgresDb = () => createDb({ adminUrl: PG_ADMIN_URL, prefix: "latchkey_bench", log });

// ——— JavaScript shipped to a page ———

// Budget for the JS a sign-in page ships, gzip bytes (the product's performance budget).
const JS_BUDGET_BYTES = 130_000;

/** Every script /login or /signup loads, gzipped (tests/bench/harness.mjs scriptsShipped), against the budget. */
async function jsShipped(port, pagePath) {
  const r = await scriptsShipped(port, pagePath);
  return { ...r, budgetBytes: JS_BUDGET_BYTES, withinBudget: r.gzipBytes <= JS_BUDGET_BYTES };
}

/**
 * Lighthouse 12 (default config: mobile emulation, simulated throttling) on a page, in Debian's
 * Chromium started by Playwright with a remote-debugging port: performance and accessibility scores.
 */
async function lighthouseScores(port, pages) {
  const { default: lighthouse } = await import("lighthouse");
  const { chromium } = await import("@playwright/test");
  const debugPort = await freePort();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: [`--remote-debugging-port=${debugPort}`] });
  try {
    const out = [];
    for (const p of pages) {
      const r = await lighthouse(`http://localhost:${port}${p}`, {
        port: debugPort,
        output: "json",
        onlyCategories: ["performance", "accessibility"],
        logLevel: "error",
      });
      const lhr = r.lhr;
      if (lhr.runtimeError) throw new Error(`lighthouse ${p}: ${lhr.runtimeError.message}`);
      out.push({
        page: p,
        performance: Math.round(lhr.categories.performance.score * 100),
        accessibility: Math.round(lhr.categories.accessibility.score * 100),
        largestContentfulPaintMs: Math.round(lhr.audits["largest-contentful-paint"]?.numericValue ?? 0),
        totalBlockingTimeMs: Math.round(lhr.audits["total-blocking-time"]?.numericValue ?? 0),
      });
    }
    return out;
  } finally {
    await browser.close();
  }
}

// ——— argon2id baseline ———

async function argon2Baseline(concurrency, seconds) {
  const stored = await hash(PASSWORD, ARGON);
  await verify(stored, PASSWORD); // warm up
  const latencies = [];
  const until = Date.now() + seconds * 1000;
  const t0 = Date.now();
  let ok = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const s = performance.now();
        if (await verify(stored, PASSWORD)) ok++;
        latencies.push(performance.now() - s);
      }
    }),
  );
  const elapsed = (Date.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { verificationsPerSec: round(ok / elapsed), p50: round(pct(50)), p99: round(pct(99)), total: ok, concurrency };
}

// ——— the server ———

// ——— the login form ———

const loginRequestHeaders = (port) => formPostHeaders(port);

async function signInOnce(port, fields, email, password) {
  const res = await request(port, {
    method: "POST",
    path: "/login",
    headers: loginRequestHeaders(port),
    body: multipart([...fields, ["identifier", email], ["password", password]]),
  });
  const cookie = sessionCookieOf(res.headers["set-cookie"]);
  if (res.status !== 303 || !cookie) throw new Error(`sign-in as ${email} answered ${res.status} without a session cookie`);
  return cookie;
}

// ——— scenarios ———

function scenarios(port, fields, cookie, pools) {
  const loginPath = "/login";
  const rotate = (pool) => {
    let n = 0;
    return () => pool[n++ % pool.length];
  };
  const nextBad = rotate(pools.bad);
  const nextGood = rotate(pools.good);
  return [
    {
      key: "static",
      title: "GET / (prerendered)",
      connections: PAGE_CONNECTIONS,
      request: { method: "GET", path: "/", headers: { host: `localhost:${port}`, accept: "text/html" } },
      check: (status) => (status === 200 ? null : `status ${status}`),
    },
    {
      key: "dashboard",
      title: "GET /dashboard (signed in)",
      connections: PAGE_CONNECTIONS,
      request: { method: "GET", path: "/dashboard", headers: { host: `localhost:${port}`, accept: "text/html", cookie } },
      check: (status, body) => (status !== 200 ? `status ${status}` : body.includes("account-status") ? null : "200 without the dashboard"),
    },
    {
      key: "loginFailed",
      title: "POST /login, wrong password",
      connections: LOGIN_CONNECTIONS,
      request: {
        method: "POST",
        path: loginPath,
        headers: loginRequestHeaders(port),
        setupRequest: (req) => ({ ...req, body: multipart([...fields, ["identifier", nextBad()], ["password", WRONG_PASSWORD]]) }),
      },
      check: (status, body) => {
        if (status !== 200) return `status ${status}`;
        if (body.includes(INVALID_CREDENTIALS)) return null;
        if (body.includes("Too many sign-in attempts")) return "200 rate-limited";
        return "200 without the error message";
      },
    },
    {
      key: "loginOk",
      title: "POST /login, right password",
      connections: LOGIN_CONNECTIONS,
      request: {
        method: "POST",
        path: loginPath,
        headers: loginRequestHeaders(port),
        setupRequest: (req) => ({ ...req, body: multipart([...fields, ["identifier", nextGood()], ["password", PASSWORD]]) }),
      },
      check: (status, body, headers) => {
        if (status !== 303) {
          if (status === 200 && body.includes("Too many sign-in attempts")) return "200 rate-limited";
          return `status ${status}`;
        }
        if (!String(headers.location ?? "").endsWith("/dashboard")) return `303 to ${headers.location}`;
        return sessionCookieOf(headers["set-cookie"]) ? null : "303 without a session cookie";
      },
    },
  ];
}

function measure(port, scenario) {
  const problems = new Map();
  let checked = 0;
  const request = {
    ...scenario.request,
    onResponse: (status, body, _ctx, rawHeaders) => {
      checked++;
      const headers = {};
      for (const [k, v] of Object.entries(rawHeaders ?? {})) headers[k.toLowerCase()] = v;
      const problem = scenario.check(status, body ?? "", headers);
      if (problem) problems.set(problem, (problems.get(problem) ?? 0) + 1);
    },
  };
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: scenario.connections,
        duration: DURATION,
        timeout: 30,
        requests: [request],
      },
      (err, result) => {
        if (err) return reject(err);
        if (result.errors) problems.set("socket errors", result.errors);
        if (result.timeouts) problems.set("timeouts", result.timeouts);
        if (!checked) problems.set("no responses", 1);
        const errors = [...problems.values()].reduce((a, b) => a + b, 0);
        resolve({
          scenario: scenario.key,
          title: scenario.title,
          connections: scenario.connections,
          durationSeconds: DURATION,
          requests: checked,
          reqPerSec: round(result.requests.average),
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors,
          errorKinds: Object.fromEntries(problems),
        });
      },
    );
  });
}

/** A few sequential requests so the first measured second does not pay for compilation and caches. */
async function warmUp(port, fields, cookie) {
  for (let i = 0; i < 10; i++) {
    await request(port, { path: "/" });
    const d = await request(port, { path: "/dashboard", headers: { cookie } });
    if (d.status !== 200) throw new Error(`GET /dashboard with the session cookie answered ${d.status}`);
  }
  for (let i = 0; i < 3; i++) {
    // Unknown addresses: they cost the same argon2id work (a dummy hash) and use no pool account.
    const res = await request(port, {
      method: "POST",
      path: "/login",
      headers: loginRequestHeaders(port),
      body: multipart([...fields, ["identifier", `bench-warm-${i}@bench.local`], ["password", WRONG_PASSWORD]]),
    });
    if (!res.body.includes(INVALID_CREDENTIALS)) throw new Error(`a failed sign-in answered ${res.status} without the expected message`);
  }
}

// ——— one database ———

async function benchDatabase(label, dbEnv, poolSize) {
  log(`${label}: seeding ${poolSize} + ${poolSize} sign-in accounts…`);
  const seedEnv = appEnv(dbEnv);
  const seedOut = await run(
    process.execPath,
    [
      TSX_BIN,
      "--conditions=react-server",
      "tests/bench/seed-users.ts",
      "--prefix",
      "bench-bad",
      "--prefix",
      "bench-ok",
      "--count",
      String(poolSize),
      "--password",
      PASSWORD,
    ],
    { env: seedEnv },
  );
  for (const line of seedOut
    .trim()
    .split("\n")
    .filter((l) => /^seeded/.test(l)))
    log(`${label}: ${line}`);
  const pools = {
    bad: Array.from({ length: poolSize }, (_, i) => `bench-bad-${i}@bench.local`),
    good: Array.from({ length: poolSize }, (_, i) => `bench-ok-${i}@bench.local`),
  };
  const port = await freePort();
  const t = Date.now();
  const server = await startLatchkey(dbEnv, port);
  log(`${label}: next start ready on 127.0.0.1:${port} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  try {
    const js = [];
    for (const p of ["/login", "/signup"]) {
      const r = await jsShipped(port, p);
      js.push(r);
      log(
        `${label}: JS shipped to ${p}: ${r.scripts} scripts, ${r.gzipBytes} bytes gzip (${r.rawBytes} raw), budget ${JS_BUDGET_BYTES}: ${r.withinBudget ? "within" : "OVER"}`,
      );
    }
    const lighthouse = await lighthouseScores(port, ["/login", "/signup"]);
    for (const l of lighthouse)
      log(
        `${label}: Lighthouse ${l.page}: performance ${l.performance}, accessibility ${l.accessibility} (LCP ${l.largestContentfulPaintMs} ms, TBT ${l.totalBlockingTimeMs} ms)`,
      );
    const fields = await loginFormFields(port);
    const cookie = await signInOnce(port, fields, ADMIN_EMAIL, ADMIN_PASSWORD);
    await warmUp(port, fields, cookie);
    const rows = [];
    let argon2 = null;
    for (const s of scenarios(port, fields, cookie, pools)) {
      if (s.key === "loginFailed") {
        // Measured again right before the sign-ins (server idle): on a shared machine the load
        // changes from minute to minute, and the ratio should compare like with like.
        argon2 = await argon2Baseline(LOGIN_CONNECTIONS, ARGON2_NEAR_SECONDS);
        log(`${label}: argon2id just before the sign-ins: ${argon2.verificationsPerSec} verifications/s`);
      }
      const r = await measure(port, s);
      rows.push({ database: label, ...r });
      log(
        `${label}: ${s.title.padEnd(28)} ${fmt(r.reqPerSec, 8)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}${r.errors ? " " + JSON.stringify(r.errorKinds) : ""}`,
      );
    }
    const serverErrors = server
      .output()
      .split("\n")
      .filter((l) => /⨯|Error|error/.test(l));
    if (serverErrors.length) log(`${label}: the server logged ${serverErrors.length} error line(s), first: ${serverErrors[0].slice(0, 300)}`);
    return { rows, argon2, js, lighthouse };
  } catch (err) {
    err.message += `\n--- ${label} server output (tail) ---\n${server.output().slice(-3000)}`;
    throw err;
  } finally {
    await stopChild(server.child);
  }
}

// ——— output ———

const fmt = (n, w) => String(n).padStart(w);

function printTable(rows, argon2, ratios, skipped) {
  const header = ["scenario", "database", "conns", "req/s", "p50 ms", "p99 ms", "requests", "errors"];
  const lines = rows.map((r) => [
    r.title,
    r.database,
    String(r.connections),
    String(r.reqPerSec),
    String(r.p50),
    String(r.p99),
    String(r.requests),
    String(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log("");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(line(l));
  console.log("");
  console.log(
    `argon2id verify (m=19456, t=2, p=1), ${argon2.concurrency} in flight: ${argon2.verificationsPerSec}/s, p50 ${argon2.p50} ms, p99 ${argon2.p99} ms`,
  );
  for (const [db, r] of Object.entries(ratios)) {
    console.log(
      `${db}: successful sign-ins/s ÷ argon2 verifications/s (${r.argon2VerificationsPerSec}/s, measured just before) = ${r.signInsOverArgon2} (budget ≥ 0.9: ${r.signInsOverArgon2 >= 0.9 ? "within" : "over"}); ` +
        `authenticated page req/s ÷ static page req/s = ${r.dashboardOverStatic} (budget ≥ 0.8: ${r.dashboardOverStatic >= 0.8 ? "within" : "over"})`,
    );
  }
  for (const s of skipped) console.log(`skipped: ${s}`);
  const errored = rows.filter((r) => r.errors);
  for (const r of errored) console.log(`errors in ${r.title} (${r.database}): ${JSON.stringify(r.errorKinds)}`);
}

/** The nonce and policy every page rendered on request pays for, measured in its own process (tests/bench/csp-cost.ts). */
function cspCost() {
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "tests/bench/csp-cost.ts")], { cwd: ROOT, encoding: "utf8" });
  try {
    return JSON.parse(r.stdout.trim().split("\n").at(-1));
  } catch {
    log(`csp cost: not measured (${(r.stderr || "no output").trim().slice(0, 200)})`);
    return null;
  }
}

// ——— main ———

async function main() {
  // Other work on the machine skews every figure: the load average goes into the results.
  const loadAtStart = loadavg();
  log(`load average ${loadAtStart.join(" ")} on ${os.cpus().length} cores`);
  await build();

  log(`argon2id baseline: ${LOGIN_CONNECTIONS} verifications in flight for ${DURATION} s…`);
  const argon2 = await argon2Baseline(LOGIN_CONNECTIONS, DURATION);
  log(`argon2id: ${argon2.verificationsPerSec} verifications/s`);
  // Enough accounts for every attempt the measured rate allows (with margin), each used ≤ 9 times.
  const poolSize = Math.min(1000, Math.max(100, Math.ceil((argon2.verificationsPerSec * (DURATION + 1) * 1.5) / USES_PER_ACCOUNT)));

  const rows = [];
  const skipped = [];
  const databases = [];

  if (!ONLY || ONLY === "pglite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "latchkey-bench-"));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    // DATABASE_URL="" (not unset) also keeps a DATABASE_URL in .env.local away from `next start`.
    databases.push({ label: "pglite", env: { DATABASE_URL: "", LATCHKEY_DATA_DIR: path.join(dir, "pglite") } });
  }
  if (!ONLY || ONLY === "postgres") {
    const pg = await createPostgresDb();
    if (pg.skipped) {
      skipped.push(pg.skipped);
      log(`postgres: SKIPPED — ${pg.skipped}`);
    } else {
      log(`postgres: created database ${pg.name}`);
      databases.push({ label: "postgres", env: { DATABASE_URL: pg.url } });
    }
  }

  const argon2Near = {};
  let jsShippedRows = [];
  const lighthouseRows = {};
  for (const d of databases) {
    const r = await benchDatabase(d.label, d.env, poolSize);
    rows.push(...r.rows);
    argon2Near[d.label] = r.argon2;
    jsShippedRows = r.js;
    lighthouseRows[d.label] = r.lighthouse;
  }

  const ratios = {};
  for (const d of databases) {
    const get = (k) => rows.find((r) => r.database === d.label && r.scenario === k);
    ratios[d.label] = {
      argon2VerificationsPerSec: argon2Near[d.label].verificationsPerSec,
      signInsOverArgon2: round(get("loginOk").reqPerSec / argon2Near[d.label].verificationsPerSec, 2),
      dashboardOverStatic: round(get("dashboard").reqPerSec / get("static").reqPerSec, 2),
    };
  }

  printTable(rows, argon2, ratios, skipped);
  for (const [db, ls] of Object.entries(lighthouseRows))
    for (const l of ls) console.log(`${db}: Lighthouse ${l.page}: performance ${l.performance}, accessibility ${l.accessibility}`);
  for (const j of jsShippedRows)
    console.log(`JS shipped to ${j.page}: ${j.gzipBytes} bytes gzip in ${j.scripts} scripts (budget ${j.budgetBytes}: ${j.withinBudget ? "within" : "over"})`);
  const csp = cspCost();
  if (csp)
    console.log(
      `Content-Security-Policy of a page rendered on request: nonce ${csp.nonceMicroseconds} µs, nonce + policy ${csp.nonceAndPolicyMicroseconds} µs, header ${csp.headerBytes} bytes`,
    );
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
    },
    settings: { durationSeconds: DURATION, pageConnections: PAGE_CONNECTIONS, loginConnections: LOGIN_CONNECTIONS, accountsPerLoginPool: poolSize },
    argon2,
    argon2JustBeforeSignIns: argon2Near,
    ratios,
    jsShipped: jsShippedRows,
    lighthouse: lighthouseRows,
    csp,
    skipped,
    results: rows,
  };
  writeResultsSection(RESULTS_FILE, null, results);
  log(`wrote ${path.relative(ROOT, RESULTS_FILE)}`);
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  console.error(`\nbench failed: ${err.stack ?? err.message ?? err}`);
  exitCode = 1;
} finally {
  await cleanupAll();
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
process.exit(exitCode);
