// Shared by the benchmark (tests/bench/run.mjs), the load test (tests/load/run.mjs) and the fault
// test (tests/faults/run.mjs): child processes and cleanup, a production build in its own folder,
// a temporary Postgres database, `next start` on a loopback port, and posting server-action forms
// without a browser.
import { spawn } from "node:child_process";
import http from "node:http";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import postgres from "postgres";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
export const TSX_BIN = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
export const DEFAULT_PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
export const AUTH_SECRET = "latchkey-benchmark-secret-0123456789abcdef";

export const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
export const loadavg = () => os.loadavg().map((n) => round(n, 2));

/** A logger that prefixes each line with a tag and the seconds since start. */
export function makeLog(tag) {
  const started = Date.now();
  const log = (msg) => console.log(`[${tag} ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}`);
  log.started = started;
  return log;
}

// ——— processes ———

const children = new Set();
const cleanups = [];

/** Registers a cleanup step; they run in reverse order in cleanupAll(), after every child is stopped. */
export const onCleanup = (fn) => cleanups.push(fn);

/** Tracks a spawned child so cleanupAll() stops it. */
export function track(child) {
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] }));
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(args[0] ?? cmd)} ${args.slice(1).join(" ")} failed (${signal ?? code}):\n${out.slice(-4000)}`));
    });
  });
}

export function stopChild(child) {
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

export async function cleanupAll() {
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

/** On Ctrl-C or SIGTERM: stop every server, run the cleanups, exit 130. */
export function cleanupOnSignals(before = async () => {}) {
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, async () => {
      console.error(`\n${sig}: stopping servers…`);
      await before().catch((err) => console.error(err.message));
      await cleanupAll();
      process.exit(130);
    });
  }
}

export function freePort() {
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

// ——— HTTP ———

/**
 * One request to the server on loopback with `Host: localhost:PORT` (fetch cannot set Host), so
 * the Origin header sent with server actions matches LATCHKEY_BASE_URL's host, as in a browser.
 */
export function request(port, { method = "GET", path: p = "/", headers = {}, body, timeoutMs = 30_000 }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: p, headers: { host: `localhost:${port}`, ...headers }, timeout: timeoutMs }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (data += d));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${p} timed out`)));
    req.on("error", reject);
    req.end(body);
  });
}

export function rawRequest(port, p) {
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

function restoreTsconfig(before, distDir, log) {
  if (before === null) return;
  const p = path.join(ROOT, "tsconfig.json");
  const now = readFileSync(p, "utf8");
  if (now === before) return;
  const stripped = now
    .split("\n")
    .filter((l) => !l.includes(`"${distDir}/`))
    .join("\n")
    .replace(/,(\s*\n\s*\])/g, "$1");
  if (stripped === before) writeFileSync(p, before);
  else log(`note: tsconfig.json changed during the build in a way the harness did not expect; left as is`);
}

function restoreNextEnv(before, distDir) {
  const p = path.join(ROOT, "next-env.d.ts");
  if (before === null || !existsSync(p)) return;
  const now = readFileSync(p, "utf8");
  if (now !== before && now.includes(`./${distDir}/`)) writeFileSync(p, before);
}

/** `next build` into `distDir` (NEXT_DIST_DIR), unless `reuse` and a build is already there. */
export async function build({ distDir, reuse, reuseVar, log }) {
  if (reuse && existsSync(path.join(ROOT, distDir, "BUILD_ID"))) {
    log(`reusing the existing ${distDir} build (${reuseVar}=1)`);
    return;
  }
  log(`building into ${distDir} (next build)…`);
  const tsconfig = snapshot("tsconfig.json");
  const nextEnv = snapshot("next-env.d.ts");
  const t = Date.now();
  try {
    const env = { ...process.env, NEXT_DIST_DIR: distDir, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
    await run(process.execPath, [NEXT_BIN, "build"], { env });
    // The prerendered pages' script hashes for their Content-Security-Policy, as `npm run build` does.
    await run(process.execPath, [path.join(ROOT, "scripts", "csp-hashes.mjs")], { env });
  } finally {
    restoreTsconfig(tsconfig, distDir, log);
    restoreNextEnv(nextEnv, distDir);
  }
  log(`built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

// ——— databases ———

export function redact(u) {
  try {
    const url = new URL(u);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(invalid URL)";
  }
}

/**
 * Creates a fresh database named `${prefix}_${pid}_${time}` on the server of `adminUrl` and
 * registers its removal. Returns `{ url, name }`, or `{ skipped }` when the server is unreachable.
 */
export async function createPostgresDb({ adminUrl, prefix, log }) {
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await admin`select 1`;
  } catch (err) {
    await admin.end({ timeout: 1 }).catch(() => {});
    return { skipped: `Postgres at ${redact(adminUrl)} is unreachable (${err.code ?? err.message})` };
  }
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  await admin.unsafe(`create database "${name}"`);
  await admin.end({ timeout: 2 });
  onCleanup(async () => {
    // A fresh connection: the server may have restarted since the database was created.
    const drop = postgres(adminUrl, { max: 1, connect_timeout: 10, onnotice: () => {} });
    try {
      await drop.unsafe(`drop database if exists "${name}" with (force)`);
      log(`dropped Postgres database ${name}`);
    } finally {
      await drop.end({ timeout: 2 });
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

// ——— the server ———

/**
 * The app's environment for one database: the shell's, minus anything that would route work
 * elsewhere (an Upstash limiter, a real email provider, another database), plus `overrides`.
 */
export function appEnv(overrides) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(DATABASE_URL|LATCHKEY_|UPSTASH_|RESEND_|TWILIO_|CLICKATELL_|TWOFACTOR_)/.test(k)) delete env[k];
  }
  return { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", AUTH_SECRET, ...overrides };
}

/**
 * `next start` on 127.0.0.1:`port` with `env` (from appEnv, including NEXT_DIST_DIR); resolves once
 * GET /login answers 200. Returns the child and a function giving the tail of its output.
 */
export async function startNext(env, port) {
  const child = track(
    // As `npm start` runs it: with the heap limit (LATCHKEY_HEAP_MB, 256 MiB by default).
    spawn(process.execPath, [`--max-old-space-size=${process.env.LATCHKEY_HEAP_MB || 256}`, NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env: { ...env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
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
      if (res.status === 200) return { child, port, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`next start did not answer within 120 s:\n${output.slice(-4000)}`);
}

// ——— server-action forms ———

export const decodeEntities = (s) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

export function attrs(tag) {
  const out = {};
  for (const m of tag.matchAll(/([a-zA-Z$:_-]+)(?:="([^"]*)")?/g)) out[m[1]] = m[2] === undefined ? "" : decodeEntities(m[2]);
  return out;
}

/**
 * Every POST form of a page: its hidden inputs (the server action's $ACTION_* fields and the form's
 * own), the names of its other inputs and the text of its buttons, so a caller can pick a form by
 * its button ("Send code", "Verify") and post it like a browser without JavaScript would.
 */
export function postForms(html) {
  const forms = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    if (!/method="POST"/i.test(m[1])) continue;
    const hidden = [];
    const inputs = [];
    for (const i of m[2].matchAll(/<input\b[^>]*>/g)) {
      const a = attrs(i[0].slice(6));
      if (a.type === "hidden" && a.name) hidden.push([a.name, a.value ?? ""]);
      else if (a.name) inputs.push(a.name);
    }
    const buttons = [...m[2].matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/g)].map((b) => decodeEntities(b[1].replace(/<[^>]+>/g, "")).trim());
    forms.push({ hidden, inputs, buttons });
  }
  return forms;
}

export const BOUNDARY = "----latchkeybench7MA4YWxkTrZu0gW";

export function multipart(fields) {
  let body = "";
  for (const [name, value] of fields) {
    body += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  return body + `--${BOUNDARY}--\r\n`;
}

/** Headers of a server-action form post: Origin must match Host, as a browser sends it. */
export function formPostHeaders(port, userAgent = "latchkey-bench") {
  return {
    host: `localhost:${port}`,
    origin: `http://localhost:${port}`,
    "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
    accept: "text/html",
    "user-agent": userAgent,
  };
}

export const sessionCookieOf = (setCookie) =>
  []
    .concat(setCookie ?? [])
    .map((c) => c.split(";")[0])
    .find((c) => /^(__Host-)?latchkey\.session=/.test(c));

// ——— CPU time of processes ———

const CLK_TCK = 100; // USER_HZ: 100 on Linux for every architecture Node supports

/** Every process's parent and CPU ticks (utime+stime of itself, cutime+cstime of its reaped children). */
function procTable() {
  const table = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    let s;
    try {
      s = readFileSync(`/proc/${d}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // Field 2 (comm) may contain spaces and parentheses: split after the last ")".
    const f = s.slice(s.lastIndexOf(")") + 2).split(" "); // f[0] is field 3 (state)
    table.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
  }
  return table;
}

/** CPU milliseconds used so far by `rootPid` and all its descendants (Linux /proc). */
export function processTreeCpuMs(rootPid) {
  const table = procTable();
  const children = new Map();
  for (const [pid, p] of table) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(pid);
  }
  let ticks = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    const p = table.get(pid);
    if (!p) continue;
    ticks += p.ticks;
    stack.push(...(children.get(pid) ?? []));
  }
  return (ticks * 1000) / CLK_TCK;
}

/** CPU milliseconds used so far by each of `pids` (utime+stime), as a Map; missing pids are absent. */
export function processesCpuMs(pids) {
  const table = procTable();
  const out = new Map();
  for (const pid of pids) {
    const p = table.get(pid);
    if (p) out.set(pid, (p.ticks * 1000) / CLK_TCK);
  }
  return out;
}

// ——— JavaScript shipped to a page ———

/**
 * Every script the page's HTML loads (its <script src> tags; legacy noModule polyfills excluded,
 * since every browser that runs modules skips them), fetched from the server and gzipped at level 9
 * (as a CDN would serve them): the bytes a first visit downloads before the page is interactive.
 */
export async function scriptsShipped(port, pagePath) {
  const page = await request(port, { path: pagePath });
  if (page.status !== 200) throw new Error(`GET ${pagePath} answered ${page.status}`);
  const tags = [...page.body.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]).filter((t) => !/\bnomodule\b/i.test(t));
  const srcs = [
    ...new Set(
      tags
        .map((t) => /\ssrc="([^"]+\.js[^"]*)"/.exec(t)?.[1])
        .filter(Boolean)
        .map((s) => s.replace(/&amp;/g, "&")),
    ),
  ];
  let raw = 0;
  let gzip = 0;
  for (const src of srcs) {
    const res = await rawRequest(port, new URL(src, `http://localhost:${port}`).pathname);
    if (res.status !== 200) throw new Error(`GET ${src} answered ${res.status}`);
    raw += res.body.length;
    gzip += gzipSync(res.body, { level: 9 }).length;
  }
  return { page: pagePath, scripts: srcs.length, rawBytes: raw, gzipBytes: gzip };
}

// ——— cookies ———

/**
 * The cookies a response sets, as a Cookie header ("a=1; b=2"), leaving out the ones it deletes
 * (empty value, Max-Age=0 or an Expires in the past): what a browser would send next.
 */
export function cookieHeaderOf(setCookie) {
  const out = [];
  for (const c of [].concat(setCookie ?? [])) {
    const [pair, ...attrs] = c.split(";").map((s) => s.trim());
    const eq = pair.indexOf("=");
    if (eq < 1 || eq === pair.length - 1) continue;
    const deleted = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
    if (!deleted) out.push(pair);
  }
  return out.join("; ");
}

// ——— results file ———

/**
 * Writes one section of tests/bench/results.json (`null` = the default run's top-level figures),
 * keeping the other sections of the file as they were.
 */
export function writeResultsSection(file, section, data) {
  let existing = {};
  try {
    existing = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    existing = {};
  }
  const kept = {};
  for (const k of ["againstReference", "scale"]) if (existing[k] !== undefined) kept[k] = existing[k];
  const next = section ? { ...existing, [section]: data } : { ...data, ...kept };
  writeFileSync(file, JSON.stringify(next, null, 2) + "\n");
}
