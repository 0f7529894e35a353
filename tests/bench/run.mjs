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
// Environment (all optional): BENCH_DURATION (seconds per scenario, default 6),
// BENCH_PG_URL (admin URL of the Postgres server, default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_SKIP_BUILD=1 (reuse an existing .next-bench build), BENCH_ONLY=pglite|postgres.
import { spawn } from "node:child_process";
import http from "node:http";
import { gzipSync } from "node:zlib";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hash, verify } from "@node-rs/argon2";
import autocannon from "autocannon";
import postgres from "postgres";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DIST_DIR = ".next-bench";
const RESULTS_FILE = path.join(ROOT, "tests/bench/results.json");
const DURATION = Number(process.env.BENCH_DURATION ?? 6);
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ONLY = process.env.BENCH_ONLY;
const PAGE_CONNECTIONS = 50;
const LOGIN_CONNECTIONS = 20;
const ARGON2_NEAR_SECONDS = 4;
const USES_PER_ACCOUNT = 9; // below the per-identifier limit of 10 per 15 minutes
const ARGON = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 }; // 2 = Argon2id
const PASSWORD = "bench-correct-horse-42";
const WRONG_PASSWORD = "bench-wrong-horse-42";
const ADMIN_EMAIL = "bench-admin@bench.local";
const ADMIN_PASSWORD = "bench-admin-horse-42";
const AUTH_SECRET = "latchkey-benchmark-secret-0123456789abcdef";
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
const TSX_BIN = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");

const children = new Set();
const cleanups = [];
const started = Date.now();

const log = (msg) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}`);

// ——— processes ———

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      children.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(args[0] ?? cmd)} ${args.slice(1).join(" ")} failed (${signal ?? code}):\n${out.slice(-4000)}`));
    });
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function cleanupAll() {
  for (const child of [...children]) await stopChild(child);
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup: ${err.message}`);
    }
  }
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    console.error(`\n${sig}: stopping servers…`);
    await cleanupAll();
    process.exit(130);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * One request to the server on loopback with `Host: localhost:PORT` (fetch cannot set Host), so
 * the Origin header sent with server actions matches LATCHKEY_BASE_URL's host, as in a browser.
 */
function request(port, { method = "GET", path: p = "/", headers = {}, body, timeoutMs = 30_000 }) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path: p, headers: { host: `localhost:${port}`, ...headers }, timeout: timeoutMs },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (data += d));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${p} timed out`)));
    req.on("error", reject);
    req.end(body);
  });
}

// ——— JavaScript shipped to a page ———

// Budget for the JS a sign-in page ships, gzip bytes (the product's performance budget).
const JS_BUDGET_BYTES = 130_000;

/**
 * Every script the page's HTML loads (its <script src> tags, as the production build emits them),
 * fetched from the server and gzipped (zlib level 9, as a CDN would serve them): the bytes a first
 * visit downloads before the page is interactive.
 */
async function jsShipped(port, pagePath) {
  const page = await request(port, { path: pagePath });
  if (page.status !== 200) throw new Error(`GET ${pagePath} answered ${page.status}`);
  // Scripts marked noModule (legacy polyfills) are skipped by every browser that runs modules.
  const tags = [...page.body.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]).filter((t) => !/\bnomodule\b/i.test(t));
  const srcs = [...new Set(tags.map((t) => /\ssrc="([^"]+\.js[^"]*)"/.exec(t)?.[1]).filter(Boolean).map((s) => s.replace(/&amp;/g, "&")))];
  let raw = 0;
  let gzip = 0;
  for (const src of srcs) {
    const res = await rawRequest(port, new URL(src, `http://localhost:${port}`).pathname);
    if (res.status !== 200) throw new Error(`GET ${src} answered ${res.status}`);
    raw += res.body.length;
    gzip += gzipSync(res.body, { level: 9 }).length;
  }
  return { page: pagePath, scripts: srcs.length, rawBytes: raw, gzipBytes: gzip, budgetBytes: JS_BUDGET_BYTES, withinBudget: gzip <= JS_BUDGET_BYTES };
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
      const r = await lighthouse(`http://localhost:${port}${p}`, { port: debugPort, output: "json", onlyCategories: ["performance", "accessibility"], logLevel: "error" });
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

function rawRequest(port, p) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: p, headers: { host: `localhost:${port}` }, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on("data", (d) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${p} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

// ——— build ———

// `next build` adds its distDir's types to tsconfig.json and points next-env.d.ts at them. Both
// are shared with everyone else's builds, so the harness puts back exactly what it found.
function snapshot(file) {
  const p = path.join(ROOT, file);
  return existsSync(p) ? readFileSync(p, "utf8") : null;
}

function restoreTsconfig(before) {
  if (before === null) return;
  const p = path.join(ROOT, "tsconfig.json");
  const now = readFileSync(p, "utf8");
  if (now === before) return;
  const stripped = now
    .split("\n")
    .filter((l) => !l.includes(`"${DIST_DIR}/`))
    .join("\n")
    .replace(/,(\s*\n\s*\])/g, "$1");
  if (stripped === before) writeFileSync(p, before);
  else log(`note: tsconfig.json changed during the build in a way the harness did not expect; left as is`);
}

function restoreNextEnv(before) {
  const p = path.join(ROOT, "next-env.d.ts");
  if (before === null || !existsSync(p)) return;
  const now = readFileSync(p, "utf8");
  if (now !== before && now.includes(`./${DIST_DIR}/`)) writeFileSync(p, before);
}

async function build() {
  if (process.env.BENCH_SKIP_BUILD === "1" && existsSync(path.join(ROOT, DIST_DIR, "BUILD_ID"))) {
    log(`reusing the existing ${DIST_DIR} build (BENCH_SKIP_BUILD=1)`);
    return;
  }
  log(`building into ${DIST_DIR} (next build)…`);
  const tsconfig = snapshot("tsconfig.json");
  const nextEnv = snapshot("next-env.d.ts");
  const t = Date.now();
  try {
    await run(process.execPath, [NEXT_BIN, "build"], {
      env: { ...process.env, NEXT_DIST_DIR: DIST_DIR, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
  } finally {
    restoreTsconfig(tsconfig);
    restoreNextEnv(nextEnv);
  }
  log(`built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
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

// ——— databases ———

async function createPostgresDb() {
  const admin = postgres(PG_ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await admin`select 1`;
  } catch (err) {
    await admin.end({ timeout: 1 }).catch(() => {});
    return { skipped: `Postgres at ${redact(PG_ADMIN_URL)} is unreachable (${err.code ?? err.message})` };
  }
  const name = `latchkey_bench_${process.pid}_${Date.now()}`;
  await admin.unsafe(`create database "${name}"`);
  cleanups.push(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 2 });
    log(`dropped Postgres database ${name}`);
  });
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

function redact(u) {
  try {
    const url = new URL(u);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(invalid URL)";
  }
}

// ——— the server ———

/**
 * The app's environment for one database: the shell's, minus anything that would route work
 * elsewhere (an Upstash limiter, a real email provider, another database), plus `overrides`.
 */
function appEnv(overrides) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(DATABASE_URL|LATCHKEY_|UPSTASH_|RESEND_|TWILIO_|CLICKATELL_|TWOFACTOR_)/.test(k)) delete env[k];
  }
  return { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", AUTH_SECRET, ...overrides };
}

async function startServer(dbEnv, port) {
  const env = appEnv({
    ...dbEnv,
    NEXT_DIST_DIR: DIST_DIR,
    LATCHKEY_BASE_URL: `http://localhost:${port}`,
    LATCHKEY_ADMIN_EMAIL: ADMIN_EMAIL,
    LATCHKEY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // The seeding step (tests/bench/seed-users.ts) has already applied the migrations.
    LATCHKEY_SKIP_MIGRATIONS: "1",
    PORT: String(port),
  });
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  let output = "";
  const keep = (d) => {
    output += d;
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const deadline = Date.now() + 120_000;
  // /login reads the session and the database, so a 200 means migrations and boot are done.
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output.slice(-4000)}`);
    try {
      const res = await request(port, { path: "/login" });
      if (res.status === 200) return { child, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`next start did not answer within 120 s:\n${output.slice(-4000)}`);
}

// ——— the login form ———

const decodeEntities = (s) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

function attrs(tag) {
  const out = {};
  for (const m of tag.matchAll(/([a-zA-Z$:_-]+)(?:="([^"]*)")?/g)) out[m[1]] = m[2] === undefined ? "" : decodeEntities(m[2]);
  return out;
}

/** The hidden fields Next renders into the login form for its server action. */
async function loginFormFields(port) {
  const { body: html } = await request(port, { path: "/login" });
  const form = html.match(/<form[^>]*method="POST"[^>]*>([\s\S]*?)<\/form>/i);
  if (!form) throw new Error("no POST form found on /login");
  const fields = [];
  for (const m of form[1].matchAll(/<input\b[^>]*>/g)) {
    const a = attrs(m[0].slice(6));
    if (a.type === "hidden" && a.name) fields.push([a.name, a.value ?? ""]);
  }
  if (!fields.some(([n]) => n.startsWith("$ACTION"))) throw new Error("the login form has no server-action fields");
  return fields;
}

const BOUNDARY = "----latchkeybench7MA4YWxkTrZu0gW";

function multipart(fields) {
  let body = "";
  for (const [name, value] of fields) {
    body += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  return body + `--${BOUNDARY}--\r\n`;
}

function loginRequestHeaders(port) {
  return {
    host: `localhost:${port}`,
    origin: `http://localhost:${port}`,
    "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
    accept: "text/html",
    "user-agent": "latchkey-bench",
  };
}

const sessionCookieOf = (setCookie) =>
  []
    .concat(setCookie ?? [])
    .map((c) => c.split(";")[0])
    .find((c) => /^(__Host-)?latchkey\.session=/.test(c));

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

const INVALID_CREDENTIALS = "The email, phone or password is not right.";

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
      check: (status, body) =>
        status !== 200 ? `status ${status}` : body.includes("account-status") ? null : "200 without the dashboard",
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
    [TSX_BIN, "--conditions=react-server", "tests/bench/seed-users.ts", "--prefix", "bench-bad", "--prefix", "bench-ok", "--count", String(poolSize), "--password", PASSWORD],
    { env: seedEnv },
  );
  for (const line of seedOut.trim().split("\n").filter((l) => /^seeded/.test(l))) log(`${label}: ${line}`);
  const pools = {
    bad: Array.from({ length: poolSize }, (_, i) => `bench-bad-${i}@bench.local`),
    good: Array.from({ length: poolSize }, (_, i) => `bench-ok-${i}@bench.local`),
  };
  const port = await freePort();
  const t = Date.now();
  const server = await startServer(dbEnv, port);
  log(`${label}: next start ready on 127.0.0.1:${port} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  try {
    const js = [];
    for (const p of ["/login", "/signup"]) {
      const r = await jsShipped(port, p);
      js.push(r);
      log(`${label}: JS shipped to ${p}: ${r.scripts} scripts, ${r.gzipBytes} bytes gzip (${r.rawBytes} raw), budget ${JS_BUDGET_BYTES}: ${r.withinBudget ? "within" : "OVER"}`);
    }
    const lighthouse = await lighthouseScores(port, ["/login", "/signup"]);
    for (const l of lighthouse) log(`${label}: Lighthouse ${l.page}: performance ${l.performance}, accessibility ${l.accessibility} (LCP ${l.largestContentfulPaintMs} ms, TBT ${l.totalBlockingTimeMs} ms)`);
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
      log(`${label}: ${s.title.padEnd(28)} ${fmt(r.reqPerSec, 8)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}${r.errors ? " " + JSON.stringify(r.errorKinds) : ""}`);
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

const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const fmt = (n, w) => String(n).padStart(w);

function printTable(rows, argon2, ratios, skipped) {
  const header = ["scenario", "database", "conns", "req/s", "p50 ms", "p99 ms", "requests", "errors"];
  const lines = rows.map((r) => [r.title, r.database, String(r.connections), String(r.reqPerSec), String(r.p50), String(r.p99), String(r.requests), String(r.errors)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log("");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(line(l));
  console.log("");
  console.log(`argon2id verify (m=19456, t=2, p=1), ${argon2.concurrency} in flight: ${argon2.verificationsPerSec}/s, p50 ${argon2.p50} ms, p99 ${argon2.p99} ms`);
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

// ——— main ———

const loadavg = () => os.loadavg().map((n) => round(n, 2));

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
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
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
  for (const [db, ls] of Object.entries(lighthouseRows)) for (const l of ls) console.log(`${db}: Lighthouse ${l.page}: performance ${l.performance}, accessibility ${l.accessibility}`);
  for (const j of jsShippedRows) console.log(`JS shipped to ${j.page}: ${j.gzipBytes} bytes gzip in ${j.scripts} scripts (budget ${j.budgetBytes}: ${j.withinBudget ? "within" : "over"})`);
  const cpus = os.cpus();
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? "unknown", memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg() },
    settings: { durationSeconds: DURATION, pageConnections: PAGE_CONNECTIONS, loginConnections: LOGIN_CONNECTIONS, accountsPerLoginPool: poolSize },
    argon2,
    argon2JustBeforeSignIns: argon2Near,
    ratios,
    jsShipped: jsShippedRows,
    lighthouse: lighthouseRows,
    skipped,
    results: rows,
  };
  writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + "\n");
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
