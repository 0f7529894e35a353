// `npm run bench -- --scale`: the shape of cost as the data grows. On one fresh Postgres database:
//
// 1. Builds Latchkey into .next-bench (BENCH_SKIP_BUILD=1 reuses it); migrates and creates the
//    sign-in accounts (one real account through the app's code, cloned in SQL) and starts the server.
// 2. Grows the database to 10 k, 100 k and 1 M accounts, each step one INSERT … SELECT over
//    generate_series per table: accounts (a copy of the real one with its own email and confirmed
//    phone, created over the last two years), one session per account (a fifth of them ended) and
//    two audit entries per account spread over the last two years; then ANALYZE.
// 3. At each size: the signed-in page and successful sign-ins at 1, 10 and 50 connections (a fixed
//    number of requests each, see AMOUNTS), requests/s and CPU per request of the server process
//    tree and of its database backends.
// 4. At the largest size: EXPLAIN (ANALYZE, BUFFERS) of each hot query.
// 5. Prints the tables and writes the `scale` section of tests/bench/results.json; stops the server
//    and drops the database on exit, failure or Ctrl-C.
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { ROOT, cleanupAll, cleanupOnSignals, createPostgresDb, freePort, loadavg, makeLog, round, stopChild, writeResultsSection } from "./harness.mjs";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  buildLatchkey,
  cloneRows,
  latchkeyScenarios,
  loginFormFields,
  measureLoad,
  poolEmails,
  seedLatchkeyAccounts,
  signInLatchkey,
  startLatchkey,
} from "./latchkey.mjs";

const RESULTS_FILE = path.join(ROOT, "tests/bench/results.json");
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
// A fixed number of requests per load (every one finishes inside the CPU window; a duration would
// leave up to 50 sign-ins in flight at its end), times BENCH_SCALE_FACTOR.
const FACTOR = Number(process.env.BENCH_SCALE_FACTOR ?? 1);
const AMOUNTS = { dashboard: { 1: 60, 10: 120, 50: 200 }, loginOk: { 1: 30, 10: 60, 50: 100 } };
const SIZES = (process.env.BENCH_SCALE_SIZES ?? "10000,100000,1000000").split(",").map(Number);
const CONNECTIONS = [1, 10, 50];
const POOL = 3000; // sign-in accounts, each used a few times at most (successful sign-ins clear the count)

const log = makeLog("scale");
cleanupOnSignals();

// Deterministic ids, so sessions and audit entries can name their account without a join. Every
// seeded key grows with i (ids, emails, phones, times), so each insert appends to its indexes: a
// lookup costs the same at the same index depth, and 1 M rows load in a fraction of the time that
// random keys take (each insert touching a random leaf page once the indexes outgrow the cache).
const userId = (i) => `lpad(to_hex(${i}), 32, '0')::uuid::text`;
const sessionId = (i) => `lpad(to_hex(${i}), 64, '0')`;
const EPOCH = "timestamptz '2024-12-01 00:00:00+00'";

/** Adds accounts [from, to) with one session each and two audit entries each, in one statement per table. */
async function grow(sql, from, to) {
  const n = to - from;
  const t0 = Date.now();
  await sql`set synchronous_commit = off`;
  await cloneRows(
    sql,
    "users",
    `t.email = 'bench-template-0@bench.local'`,
    {
      id: userId(`(i + ${from})`),
      email: `'scale-' || lpad((i + ${from})::text, 7, '0') || '@bench.local'`,
      phone: `'+1555' || lpad((i + ${from})::text, 7, '0')`,
      phone_verified_at: "now()",
      // One account a minute from December 2024: 1 M accounts span about two years.
      created_at: `${EPOCH} + (i + ${from}) * interval '1 minute'`,
      last_active_at: `now() - ((i + ${from}) % 90) * interval '1 day'`,
    },
    n,
  );
  const t1 = Date.now();
  await sql.unsafe(`
    insert into sessions (id, user_id, created_at, bound_at, last_active_at, expires_at, method)
    select ${sessionId("i")}, ${userId("i")}, now() - interval '1 day', now() - interval '1 day',
           now() - interval '1 day', case when i % 5 = 0 then now() - interval '2 days' else now() + interval '30 days' end, 'password'
    from generate_series(${from}, ${to - 1}) as g(i)`);
  const t2 = Date.now();
  await sql.unsafe(`
    insert into audit_log (user_id, actor_id, action, detail, created_at)
    select ${userId("i")}, ${userId("i")}, case when k = 0 then 'account.created' else 'signin.succeeded' end, '{}'::jsonb,
           ${EPOCH} + (i * 2 + k) * interval '30 seconds'
    from generate_series(${from}, ${to - 1}) as g(i), generate_series(0, 1) as h(k)
    order by i, k`);
  const t3 = Date.now();
  await sql`analyze users`;
  await sql`analyze sessions`;
  await sql`analyze audit_log`;
  const t4 = Date.now();
  return { accounts: n, usersMs: t1 - t0, sessionsMs: t2 - t1, auditMs: t3 - t2, analyzeMs: t4 - t3, totalMs: t4 - t0 };
}

async function tableSizes(sql) {
  const rows = await sql`
    select relname as table, n_live_tup::bigint as rows, pg_size_pretty(pg_total_relation_size(relid)) as size
    from pg_stat_user_tables where relname in ('users', 'sessions', 'audit_log') order by relname`;
  return rows.map((r) => ({ table: r.table, rows: Number(r.rows), size: r.size }));
}

/** EXPLAIN (ANALYZE, BUFFERS) of the hot queries, written as the app issues them (lib/…); writes are rolled back. */
async function explainHotQueries(sql, i) {
  const queries = [
    {
      name: "session and account (every signed-in request; lib/auth/sessions.ts validateSession)",
      sql: `select * from sessions inner join users on users.id = sessions.user_id where sessions.id = '${i.toString(16).padStart(64, "0")}' limit 1`,
    },
    {
      name: "account by email (sign-in; lib/accounts/queries.ts findUserByEmail)",
      sql: `select * from users where users.email = 'scale-${String(i).padStart(7, "0")}@bench.local' limit 1`,
    },
    {
      name: "account by confirmed phone (sign-in; findUserByConfirmedPhone)",
      sql: `select * from users where (users.phone = '+1555${String(i).padStart(7, "0")}' and users.phone_verified_at is not null) limit 1`,
    },
    {
      name: "limiter check (every password attempt; lib/limits/store.ts hitPostgres)",
      sql: `insert into rate_limits (key, count, reset_at) values ('login:id:scale-${i}@bench.local', 1, now() + make_interval(secs => 900))
            on conflict (key) do update set count = case when rate_limits.reset_at <= now() then 1 else rate_limits.count + 1 end,
            reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end returning count, reset_at`,
      write: true,
    },
    {
      name: "audit entry (sign-ins, failed sign-ins; lib/audit)",
      sql: `insert into audit_log (user_id, actor_id, action, detail, ip) values (${userId(i)}, null, 'signin.failed', '{"identifier":"email"}'::jsonb, null)`,
      write: true,
    },
    {
      name: "new session (successful sign-in; writeSession)",
      sql: `insert into sessions (id, user_id, expires_at) values (md5(random()::text), ${userId(i)}, now() + interval '30 days')`,
      write: true,
    },
    { name: "settings section (lib/settings.ts)", sql: `select value from settings where settings.key = 'account'` },
    {
      name: "one pruning batch of audit entries past a 365-day retention (daily job; lib/housekeeping.ts)",
      sql: `delete from audit_log where audit_log.id = any(array((select audit_log.id from audit_log where audit_log.created_at < now() - interval '365 days' order by audit_log.created_at asc limit 5000))) returning audit_log.id`,
      write: true,
    },
    {
      name: "one pruning batch of ended sessions (daily job)",
      sql: `delete from sessions where sessions.id = any(array((select sessions.id from sessions where sessions.expires_at < now() - interval '1 day' order by sessions.expires_at asc limit 5000))) returning sessions.id`,
      write: true,
    },
  ];
  const out = [];
  const conn = await sql.reserve();
  try {
    for (const q of queries) {
      await conn`begin`;
      const rows = await conn.unsafe(`explain (analyze, buffers) ${q.sql}`);
      await conn`rollback`;
      out.push({ name: q.name, query: q.sql.replace(/\s+/g, " ").trim(), plan: rows.map((r) => r["QUERY PLAN"]).join("\n") });
    }
  } finally {
    conn.release();
  }
  return out;
}

async function main() {
  const loadAtStart = loadavg();
  log(
    `load average ${loadAtStart.join(" ")} on ${os.cpus().length} cores; sizes ${SIZES.join(", ")}; connections ${CONNECTIONS.join(", ")}; requests per load ${JSON.stringify(AMOUNTS)} × ${FACTOR}`,
  );
  await buildLatchkey(log);
  const db = await createPostgresDb({ adminUrl: PG_ADMIN_URL, prefix: "latchkey_scale", log });
  if (db.skipped) throw new Error(db.skipped);
  await seedLatchkeyAccounts(db.url, { "bench-ok": POOL });
  const pool = poolEmails("bench-ok", POOL);
  const port = await freePort();
  const server = await startLatchkey({ DATABASE_URL: db.url }, port);
  log(`server ready on 127.0.0.1:${port}`);
  const sql = postgres(db.url, { max: 2, onnotice: () => {} });
  const adminSql = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  const results = [];
  const seeding = [];
  let explain = [];
  try {
    const fields = await loginFormFields(port);
    let have = 0;
    for (const size of SIZES) {
      const g = await grow(sql, have, size);
      have = size;
      seeding.push({ size, ...g });
      const sizes = await tableSizes(sql);
      log(
        `grown to ${size} accounts in ${(g.totalMs / 1000).toFixed(1)} s (users ${g.usersMs} ms, sessions ${g.sessionsMs} ms, audit ${g.auditMs} ms, analyze ${g.analyzeMs} ms): ${sizes.map((s) => `${s.table} ${s.rows} rows ${s.size}`).join(", ")}`,
      );
      // A fresh session for the page at each size (the previous one may have gone idle while seeding).
      const cookie = await signInLatchkey(port, fields, ADMIN_EMAIL, ADMIN_PASSWORD);
      const scenarios = latchkeyScenarios(port, fields, cookie, { good: pool, bad: pool });
      for (const key of ["dashboard", "loginOk"]) {
        for (const connections of CONNECTIONS) {
          const amount = Math.max(connections, Math.round(AMOUNTS[key][connections] * FACTOR));
          const m = await measureLoad({ port, scenario: scenarios[key], connections, amount, pid: server.child.pid, db: { sql: adminSql, name: db.name } });
          const row = { accounts: size, scenario: key, loadAverage1m: round(os.loadavg()[0], 2), ...m };
          results.push(row);
          log(
            `${String(size).padStart(8)} accounts  ${key.padEnd(9)} ${String(connections).padStart(2)} conns  ${String(m.reqPerSec).padStart(7)} req/s  CPU ${m.cpuMsPerRequest} ms/req + db ${m.dbCpuMsPerRequest}  p50 ${m.p50} ms  errors ${m.errors}${m.errors ? " " + JSON.stringify(m.errorKinds) : ""}`,
          );
        }
      }
    }
    explain = await explainHotQueries(sql, Math.floor(have * 0.777));
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) at ${have} accounts`);
    for (const e of explain) console.log(`\n-- ${e.name}\n${e.query}\n${e.plan}`);

    console.log(`\nCost against size (load average ${loadAtStart.join(" ")} at start, ${loadavg().join(" ")} at end, ${os.cpus().length} cores)`);
    const head = ["accounts", "scenario", "conns", "req/s", "app CPU ms/req", "db CPU ms/req", "p50 ms", "errors"];
    const rows = results.map((r) => [
      r.accounts,
      r.scenario === "dashboard" ? "signed-in GET /dashboard" : "successful sign-in",
      r.connections,
      r.reqPerSec,
      r.cpuMsPerRequest,
      r.dbCpuMsPerRequest,
      r.p50,
      r.errors,
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
    console.log(head.map((h, i) => h.padStart(widths[i])).join("  "));
    for (const r of rows) console.log(r.map((c, i) => (i === 1 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  "));

    const cpus = os.cpus();
    writeResultsSection(RESULTS_FILE, "scale", {
      date: new Date().toISOString(),
      command: "npm run bench -- --scale",
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? "unknown",
        node: process.version,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadavg(),
      },
      settings: { requestsPerLoad: AMOUNTS, factor: FACTOR, sizes: SIZES, connections: CONNECTIONS, sessionsPerAccount: 1, auditEntriesPerAccount: 2 },
      seeding,
      tables: await tableSizes(sql),
      results,
      explain,
    });
    log(`wrote ${path.relative(ROOT, RESULTS_FILE)} (scale)`);
  } finally {
    await sql.end({ timeout: 2 });
    await adminSql.end({ timeout: 2 });
    await stopChild(server.child);
  }
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  console.error(`\nscale bench failed: ${err.stack ?? err.message ?? err}`);
  exitCode = 1;
} finally {
  await cleanupAll();
  log(`done in ${((Date.now() - log.started) / 1000).toFixed(0)} s`);
}
process.exit(exitCode);
