// Latchkey under load for `npm run bench -- --against-reference` and `npm run bench -- --scale`:
// its production build and server, accounts cloned in SQL, the four scenarios a visitor takes
// (through the login form and the session cookie, as a browser without JavaScript), and one
// autocannon load with the CPU time the server process tree and its database backends spent on it.
import path from "node:path";
import autocannon from "autocannon";
import postgres from "postgres";
import {
  ROOT,
  TSX_BIN,
  appEnv,
  attrs,
  build as buildInto,
  cookieHeaderOf,
  formPostHeaders,
  multipart,
  processTreeCpuMs,
  processesCpuMs,
  request,
  round,
  run,
  startNext,
} from "./harness.mjs";

export const DIST_DIR = ".next-bench";
export const PASSWORD = "bench-correct-horse-42";
export const WRONG_PASSWORD = "bench-wrong-horse-42";
export const ADMIN_EMAIL = "bench-admin@bench.local";
export const ADMIN_PASSWORD = "bench-admin-horse-42";
export const INVALID_CREDENTIALS = "The email, phone or password is not right.";
// Below the per-identifier limit of 10 password attempts per 15 minutes (lib/rate-limit.ts).
export const USES_PER_ACCOUNT = 9;

export const buildLatchkey = (log) => buildInto({ distDir: DIST_DIR, reuse: process.env.BENCH_SKIP_BUILD === "1", reuseVar: "BENCH_SKIP_BUILD", log });

/** `next start` of the .next-bench build on `port` against `dbEnv` (migrations already applied). */
export function startLatchkey(dbEnv, port) {
  return startNext(
    appEnv({
      ...dbEnv,
      NEXT_DIST_DIR: DIST_DIR,
      LATCHKEY_BASE_URL: `http://localhost:${port}`,
      LATCHKEY_ADMIN_EMAIL: ADMIN_EMAIL,
      LATCHKEY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LATCHKEY_SKIP_MIGRATIONS: "1",
    }),
    port,
  );
}

// ——— accounts ———

/**
 * Copies the row(s) of `table` matching `where` (alias t) `n` times in one INSERT … SELECT over
 * generate_series(0, n-1) (alias g(i)): every column is copied except those in `overrides`
 * (column → SQL expression that may use i), so the copies stay whatever the app's schema holds.
 */
export async function cloneRows(sql, table, where, overrides, n) {
  const cols = (
    await sql`select column_name from information_schema.columns where table_schema = 'public' and table_name = ${table} order by ordinal_position`
  ).map((c) => c.column_name);
  if (!cols.length) throw new Error(`no table ${table}`);
  for (const k of Object.keys(overrides)) if (!cols.includes(k)) throw new Error(`${table} has no column ${k}`);
  const q = (c) => `"${c.replace(/"/g, '""')}"`;
  const select = cols.map((c) => overrides[c] ?? `t.${q(c)}`).join(", ");
  const res = await sql.unsafe(
    `insert into ${q(table)} (${cols.map(q).join(", ")}) select ${select} from ${q(table)} t, generate_series(0, ${n - 1}) as g(i) where ${where}`,
  );
  return res.count;
}

/**
 * Applies the migrations and creates one real account through the app's own functions
 * (tests/bench/seed-users.ts), then clones it in SQL into `pools` ({ prefix: count }) with the same
 * password hash: accounts `${prefix}-${i}@bench.local`, confirmed and active like the original.
 */
export async function seedLatchkeyAccounts(dbUrl, pools) {
  await run(
    process.execPath,
    [TSX_BIN, "--conditions=react-server", "tests/bench/seed-users.ts", "--prefix", "bench-template", "--count", "1", "--password", PASSWORD],
    { env: appEnv({ DATABASE_URL: dbUrl }) },
  );
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    for (const [prefix, count] of Object.entries(pools)) {
      await cloneRows(
        sql,
        "users",
        `t.email = 'bench-template-0@bench.local'`,
        { id: "gen_random_uuid()::text", email: `'${prefix}-' || i || '@bench.local'` },
        count,
      );
    }
  } finally {
    await sql.end({ timeout: 2 });
  }
}

export const poolEmails = (prefix, count) => Array.from({ length: count }, (_, i) => `${prefix}-${i}@bench.local`);

// ——— the login form ———

/** The hidden fields Next renders into the login form for its server action. */
export async function loginFormFields(port) {
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

/** Signs in through the form; returns the Cookie header a browser would send afterwards. */
export async function signInLatchkey(port, fields, email, password) {
  const res = await request(port, {
    method: "POST",
    path: "/login",
    headers: formPostHeaders(port),
    body: multipart([...fields, ["identifier", email], ["password", password]]),
  });
  const cookie = cookieHeaderOf(res.headers["set-cookie"]);
  if (res.status !== 303 || !cookie) throw new Error(`sign-in as ${email} answered ${res.status} without a cookie`);
  const page = await request(port, { path: "/dashboard", headers: { cookie } });
  if (page.status !== 200 || !page.body.includes("account-status")) throw new Error(`GET /dashboard after signing in answered ${page.status}`);
  return cookie;
}

const rotate = (pool) => {
  let n = 0;
  return () => pool[n++ % pool.length];
};

/** Latchkey's four scenarios; `pools` = { bad: [emails], good: [emails] }. */
export function latchkeyScenarios(port, fields, cookie, pools) {
  const nextBad = rotate(pools.bad);
  const nextGood = rotate(pools.good);
  const headers = formPostHeaders(port);
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
        path: "/login",
        headers,
        setupRequest: (req) => ({ ...req, body: multipart([...fields, ["identifier", nextBad()], ["password", WRONG_PASSWORD]]) }),
      },
      check: (status, body) => {
        if (status !== 200) return `status ${status}`;
        if (body.includes(INVALID_CREDENTIALS)) return null;
        if (body.includes("Too many sign-in attempts")) return "200 rate-limited";
        return "200 without the error message";
      },
    },
    loginOk: {
      request: {
        method: "POST",
        path: "/login",
        headers,
        setupRequest: (req) => ({ ...req, body: multipart([...fields, ["identifier", nextGood()], ["password", PASSWORD]]) }),
      },
      check: (status, body, h) => {
        if (status !== 303) return status === 200 && body.includes("Too many sign-in attempts") ? "200 rate-limited" : `status ${status}`;
        if (!String(h.location ?? "").endsWith("/dashboard")) return `303 to ${h.location}`;
        return cookieHeaderOf(h["set-cookie"]) ? null : "303 without a cookie";
      },
    },
  };
}

// ——— one load ———

/** Server processes of a database: its backends' pids (the pool's connections), from pg_stat_activity. */
export async function backendPids(adminSql, dbName) {
  return (await adminSql`select pid from pg_stat_activity where datname = ${dbName}`).map((r) => r.pid);
}

/**
 * One autocannon load (loopback, bounded duration) of `scenario` on `port` with `connections`,
 * checking every answer, plus the CPU time the server's process tree (`pid`) and, when `db` is
 * given ({ sql, name }), the database's backends spent during it. With `amount`, a fixed number of
 * requests instead of a duration: every request counted has finished inside the CPU window.
 */
export async function measureLoad({ port, scenario, connections, duration, amount, pid, db }) {
  const problems = new Map();
  let checked = 0;
  const req = {
    ...scenario.request,
    onResponse: (status, body, _ctx, rawHeaders) => {
      checked++;
      const headers = {};
      for (const [k, v] of Object.entries(rawHeaders ?? {})) headers[k.toLowerCase()] = v;
      const problem = scenario.check(status, body ?? "", headers);
      if (problem) problems.set(problem, (problems.get(problem) ?? 0) + 1);
    },
  };
  const dbBefore = db ? processesCpuMs(await backendPids(db.sql, db.name)) : null;
  const cpuBefore = processTreeCpuMs(pid);
  const t0 = performance.now();
  const result = await new Promise((resolve, reject) =>
    autocannon({ url: `http://127.0.0.1:${port}`, connections, ...(amount ? { amount } : { duration }), timeout: 30, requests: [req] }, (err, r) =>
      err ? reject(err) : resolve(r),
    ),
  );
  const elapsedSeconds = (performance.now() - t0) / 1000;
  const cpuMs = processTreeCpuMs(pid) - cpuBefore;
  let dbCpuMs = null;
  if (db) {
    // Backends opened during the load count from zero; ones closed during it are lost (rare: pools keep them).
    const after = processesCpuMs(await backendPids(db.sql, db.name));
    dbCpuMs = 0;
    for (const [p, ms] of after) dbCpuMs += ms - (dbBefore.get(p) ?? 0);
  }
  if (result.errors) problems.set("socket errors", result.errors);
  if (result.timeouts) problems.set("timeouts", result.timeouts);
  if (!checked) problems.set("no responses", 1);
  const errors = [...problems.values()].reduce((a, b) => a + b, 0);
  const ok = Math.max(1, checked);
  return {
    connections,
    durationSeconds: round(elapsedSeconds, 2),
    requests: checked,
    // With a fixed amount the last second is partial: count over the measured time instead.
    reqPerSec: amount ? round(checked / elapsedSeconds) : round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: round(cpuMs / ok, 2),
    dbCpuMsPerRequest: dbCpuMs === null ? null : round(dbCpuMs / ok, 2),
    errors,
    errorKinds: Object.fromEntries(problems),
  };
}

export const median = (xs) => {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const relative = (p) => path.relative(ROOT, p);
