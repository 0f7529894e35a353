// The peer for `npm run bench -- --against-reference`: a copy of the Better Auth reference app
// (../shared/reference/better-auth, or REFERENCE_DIR) under tests/.tmp/reference/better-auth,
// installed and built once and reused while its source is unchanged, its database on the same
// Postgres server, its server, accounts and the same four scenarios through its own endpoints.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { ROOT, cookieHeaderOf, onCleanup, request, run, track } from "./harness.mjs";
import { PASSWORD, WRONG_PASSWORD, cloneRows } from "./latchkey.mjs";

export const REFERENCE_SRC = path.resolve(ROOT, process.env.REFERENCE_DIR || "../shared/reference/better-auth");
export const REFERENCE_COPY = path.join(ROOT, "tests/.tmp/reference/better-auth");
export const REFERENCE_DB = "ref_better_auth";
const SECRET = "latchkey-benchmark-reference-secret-0123456789";
const STAMP = path.join(REFERENCE_COPY, ".bench-stamp.json");
const SKIP = new Set(["node_modules", ".next", "next-env.d.ts", ".bench-stamp.json"]);

function sourceFiles(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (SKIP.has(name)) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p, base));
    else out.push(path.relative(base, p));
  }
  return out;
}

function digest(files) {
  const h = createHash("sha256");
  for (const f of files)
    h.update(f)
      .update("\0")
      .update(readFileSync(path.join(REFERENCE_SRC, f)))
      .update("\0");
  return h.digest("hex");
}

const readStamp = () => {
  try {
    return JSON.parse(readFileSync(STAMP, "utf8"));
  } catch {
    return {};
  }
};

/** Copies, installs and builds the reference app unless the cached copy matches its source. */
export async function prepareReference(log, dbUrl) {
  if (!existsSync(path.join(REFERENCE_SRC, "package.json"))) throw new Error(`no reference app at ${REFERENCE_SRC} (set REFERENCE_DIR)`);
  const files = sourceFiles(REFERENCE_SRC);
  const installHash = digest(files.filter((f) => f === "package.json" || f === "package-lock.json"));
  const buildHash = digest(files);
  const stamp = readStamp();
  if (stamp.buildHash !== buildHash) {
    mkdirSync(REFERENCE_COPY, { recursive: true });
    cpSync(REFERENCE_SRC, REFERENCE_COPY, { recursive: true, filter: (src) => !SKIP.has(path.basename(src)) });
    // The copy sits inside Latchkey's tree: without an explicit root, Next takes the outer
    // package-lock.json's folder as the workspace root and compiles Latchkey's proxy.ts and
    // instrumentation.ts into the peer. The original config is kept and only the roots are added.
    renameSync(path.join(REFERENCE_COPY, "next.config.mjs"), path.join(REFERENCE_COPY, "next.config.reference.mjs"));
    writeFileSync(
      path.join(REFERENCE_COPY, "next.config.mjs"),
      `import base from "./next.config.reference.mjs";\nconst root = import.meta.dirname;\nexport default { ...base, outputFileTracingRoot: root, turbopack: { ...base.turbopack, root } };\n`,
    );
    log(`reference: copied ${files.length} files from ${REFERENCE_SRC}`);
  }
  if (stamp.installHash !== installHash || !existsSync(path.join(REFERENCE_COPY, "node_modules/next/package.json"))) {
    log("reference: npm install…");
    const t = Date.now();
    await run("npm", ["install", "--no-audit", "--no-fund"], { cwd: REFERENCE_COPY });
    writeFileSync(STAMP, JSON.stringify({ installHash }));
    log(`reference: installed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } else log("reference: dependencies cached");
  if (readStamp().buildHash !== buildHash || !existsSync(path.join(REFERENCE_COPY, ".next/BUILD_ID"))) {
    log("reference: next build…");
    const t = Date.now();
    await run(process.execPath, [path.join(REFERENCE_COPY, "node_modules/next/dist/bin/next"), "build"], {
      cwd: REFERENCE_COPY,
      env: refEnv({ DATABASE_URL: dbUrl, BETTER_AUTH_URL: "http://localhost:3000" }),
    });
    writeFileSync(STAMP, JSON.stringify({ installHash, buildHash }));
    log(`reference: built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } else log("reference: build cached");
}

function refEnv(overrides) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(DATABASE_URL|BETTER_AUTH_|REF_|NEXT_DIST_DIR|LATCHKEY_)/.test(k)) delete env[k];
  return { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", BETTER_AUTH_SECRET: SECRET, ...overrides };
}

export function referenceDbUrl(adminUrl) {
  const url = new URL(adminUrl);
  url.pathname = `/${REFERENCE_DB}`;
  return url.toString();
}

/** Drops and recreates ref_better_auth on the server of `adminUrl` and runs Better Auth's migrator. */
export async function createReferenceDb(adminUrl, log) {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${REFERENCE_DB} with (force)`);
    await admin.unsafe(`create database ${REFERENCE_DB}`);
  } finally {
    await admin.end({ timeout: 2 });
  }
  const url = referenceDbUrl(adminUrl);
  const out = await run(process.execPath, [path.join(REFERENCE_COPY, "scripts/migrate.mjs")], { cwd: REFERENCE_COPY, env: refEnv({ DATABASE_URL: url }) });
  log(`reference: ${out.trim().split("\n").pop()}`);
  onCleanup(async () => {
    const drop = postgres(adminUrl, { max: 1, connect_timeout: 10, onnotice: () => {} });
    try {
      await drop.unsafe(`drop database if exists ${REFERENCE_DB} with (force)`);
      log(`dropped Postgres database ${REFERENCE_DB}`);
    } finally {
      await drop.end({ timeout: 2 });
    }
  });
  return url;
}

/** `next start` of the reference build on 127.0.0.1:`port`; resolves once GET /login answers 200. */
export async function startReference(dbUrl, port) {
  const child = track(
    spawn(process.execPath, [path.join(REFERENCE_COPY, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: REFERENCE_COPY,
      env: refEnv({ DATABASE_URL: dbUrl, BETTER_AUTH_URL: `http://localhost:${port}`, PORT: String(port) }),
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
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`reference next start exited (${child.exitCode}):\n${output.slice(-4000)}`);
    try {
      if ((await request(port, { path: "/login" })).status === 200) return { child, port, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`reference next start did not answer within 120 s:\n${output.slice(-4000)}`);
}

const jsonHeaders = (port) => ({
  host: `localhost:${port}`,
  origin: `http://localhost:${port}`,
  "content-type": "application/json",
  accept: "application/json",
});

async function refPost(port, p, body) {
  return request(port, { method: "POST", path: p, headers: jsonHeaders(port), body: JSON.stringify(body) });
}

/**
 * One real account through Better Auth's sign-up endpoint (so its own hashing, argon2id here), then
 * cloned in SQL into `pools` ({ prefix: count }) with the same hash: `${prefix}-${i}@bench.local`.
 */
export async function seedReferenceAccounts(port, dbUrl, pools) {
  const res = await refPost(port, "/api/auth/sign-up/email", { email: "bench-template-0@bench.local", password: PASSWORD, name: "Bench User" });
  if (res.status !== 200) throw new Error(`reference sign-up answered ${res.status}: ${res.body.slice(0, 300)}`);
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [tpl] = await sql`select id from "user" where email = 'bench-template-0@bench.local'`;
    for (const [prefix, count] of Object.entries(pools)) {
      const uid = `'${prefix}-u-' || i`;
      await cloneRows(sql, "user", `t.id = '${tpl.id}'`, { id: uid, email: `'${prefix}-' || i || '@bench.local'` }, count);
      await cloneRows(sql, "account", `t."userId" = '${tpl.id}'`, { id: `'${prefix}-a-' || i`, userId: uid, accountId: uid }, count);
    }
  } finally {
    await sql.end({ timeout: 2 });
  }
}

export async function signInReference(port, email, password) {
  const res = await refPost(port, "/api/auth/sign-in/email", { email, password });
  const cookie = cookieHeaderOf(res.headers["set-cookie"]);
  if (res.status !== 200 || !cookie) throw new Error(`reference sign-in as ${email} answered ${res.status} without a cookie`);
  const page = await request(port, { path: "/dashboard", headers: { cookie } });
  if (page.status !== 200 || !page.body.includes("account-status")) throw new Error(`reference GET /dashboard after signing in answered ${page.status}`);
  return cookie;
}

const rotate = (pool) => {
  let n = 0;
  return () => pool[n++ % pool.length];
};

/** The peer's four scenarios, through the endpoints its own pages use. */
export function referenceScenarios(port, cookie, pools) {
  const nextBad = rotate(pools.bad);
  const nextGood = rotate(pools.good);
  const headers = jsonHeaders(port);
  return {
    static: {
      request: { method: "GET", path: "/", headers: { host: `localhost:${port}`, accept: "text/html" } },
      check: (status) => (status === 200 ? null : `status ${status}`),
    },
    dashboard: {
      request: { method: "GET", path: "/dashboard", headers: { host: `localhost:${port}`, accept: "text/html", cookie } },
      check: (status, body) => (status !== 200 ? `status ${status}` : body.includes("account-status") ? null : "200 without the dashboard"),
    },
    loginFailed: {
      request: {
        method: "POST",
        path: "/api/auth/sign-in/email",
        headers,
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: nextBad(), password: WRONG_PASSWORD }) }),
      },
      check: (status) => (status === 401 ? null : `status ${status}`),
    },
    loginOk: {
      request: {
        method: "POST",
        path: "/api/auth/sign-in/email",
        headers,
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: nextGood(), password: PASSWORD }) }),
      },
      check: (status, _body, h) => (status !== 200 ? `status ${status}` : cookieHeaderOf(h["set-cookie"]) ? null : "200 without a cookie"),
    },
  };
}
