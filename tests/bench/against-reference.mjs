// `npm run bench -- --against-reference`: Latchkey (Postgres) side by side with the Better Auth
// reference app, in one run, on the same Postgres server and the same argon2id parameters.
//
// 1. Builds Latchkey into .next-bench (BENCH_SKIP_BUILD=1 reuses it); copies, installs and builds
//    the reference app under tests/.tmp/reference/better-auth (cached while its source is unchanged).
// 2. Creates a fresh Latchkey database (dropped at the end) and ref_better_auth (dropped and
//    recreated each run), one real account in each through the app's own code, cloned in SQL into
//    pools of accounts with the same password hash (Latchkey limits 10 password attempts per
//    identifier per 15 minutes: each account is used at most 9 times).
// 3. Starts both on free loopback ports; signs in once in each (Latchkey through its login form,
//    the peer through its JSON endpoint, as its login page does) for a session cookie.
// 4. Runs interleaved rounds: in each round, each scenario on both apps back to back (the order
//    alternating between rounds), BENCH_CONNECTIONS connections for BENCH_DURATION seconds each,
//    recording requests/s and the CPU time of the server process tree and of its database backends
//    per request. Medians over the rounds; ratios Latchkey ÷ peer for req/s and peer ÷ Latchkey for
//    CPU per request (both > 1 when Latchkey is ahead) against the goals.
// 5. Measures the gzipped JavaScript each app ships to /login, prints one table and writes the
//    `againstReference` section of tests/bench/results.json. Every server is stopped and the Latchkey
//    database dropped on exit, failure or Ctrl-C.
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import {
  ROOT,
  cleanupAll,
  cleanupOnSignals,
  createPostgresDb,
  formPostHeaders,
  freePort,
  loadavg,
  multipart,
  makeLog,
  request,
  round,
  scriptsShipped,
  stopChild,
  writeResultsSection,
} from "./harness.mjs";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  INVALID_CREDENTIALS,
  PASSWORD,
  USES_PER_ACCOUNT,
  WRONG_PASSWORD,
  buildLatchkey,
  latchkeyScenarios,
  loginFormFields,
  measureLoad,
  median,
  poolEmails,
  seedLatchkeyAccounts,
  signInLatchkey,
  startLatchkey,
} from "./latchkey.mjs";
import {
  REFERENCE_COPY,
  REFERENCE_DB,
  createReferenceDb,
  prepareReference,
  referenceDbUrl,
  referenceScenarios,
  seedReferenceAccounts,
  signInReference,
  startReference,
} from "./reference.mjs";

const RESULTS_FILE = path.join(ROOT, "tests/bench/results.json");
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WARMUP_SECONDS = 2;
// Upper bound of password attempts per second on this kind of machine, for sizing the pools.
const MAX_SIGN_INS_PER_SEC = 300;

const SCENARIOS = [
  { key: "static", title: "static GET /", goal: 1.0 },
  { key: "dashboard", title: "signed-in GET /dashboard", goal: 1.2 },
  { key: "loginOk", title: "successful sign-in", goal: 1.2 },
  { key: "loginFailed", title: "failed sign-in", goal: 1.0 },
];

const log = makeLog("bench");
cleanupOnSignals();

async function warmUpLatchkey(port, fields, cookie) {
  for (let i = 0; i < 10; i++) {
    await request(port, { path: "/" });
    await request(port, { path: "/dashboard", headers: { cookie } });
  }
  const res = await request(port, {
    method: "POST",
    path: "/login",
    headers: formPostHeaders(port),
    body: multipart([...fields, ["identifier", "bench-warm@bench.local"], ["password", WRONG_PASSWORD]]),
  });
  if (!res.body.includes(INVALID_CREDENTIALS)) throw new Error(`a failed sign-in answered ${res.status} without the expected message`);
}

function fmtTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map(
      (r, ri) =>
        r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ") +
        (ri === 0 ? "\n" + widths.map((w) => "-".repeat(w)).join("  ") : ""),
    )
    .join("\n");
}

async function main() {
  const loadAtStart = loadavg();
  log(
    `load average ${loadAtStart.join(" ")} on ${os.cpus().length} cores; ${ROUNDS} rounds × ${SCENARIOS.length} scenarios × 2 apps, ${CONNECTIONS} connections × ${DURATION} s`,
  );
  await buildLatchkey(log);

  const lk = await createPostgresDb({ adminUrl: PG_ADMIN_URL, prefix: "latchkey_bench", log });
  if (lk.skipped) throw new Error(lk.skipped);
  log(`latchkey: created database ${lk.name}`);
  await prepareReference(log, referenceDbUrl(PG_ADMIN_URL));
  const refUrl = await createReferenceDb(PG_ADMIN_URL, log);

  const poolSize = Math.ceil((MAX_SIGN_INS_PER_SEC * (ROUNDS * DURATION + WARMUP_SECONDS + 2)) / USES_PER_ACCOUNT);
  const pools = { bad: poolEmails("bench-bad", poolSize), good: poolEmails("bench-ok", poolSize) };

  let t = Date.now();
  await seedLatchkeyAccounts(lk.url, { "bench-bad": poolSize, "bench-ok": poolSize });
  log(`latchkey: migrated and seeded 1 + 2 × ${poolSize} accounts in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const lkPort = await freePort();
  t = Date.now();
  const lkServer = await startLatchkey({ DATABASE_URL: lk.url }, lkPort);
  log(`latchkey: ready on 127.0.0.1:${lkPort} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const refPort = await freePort();
  t = Date.now();
  const refServer = await startReference(refUrl, refPort);
  log(`reference: ready on 127.0.0.1:${refPort} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  await seedReferenceAccounts(refPort, refUrl, { "bench-bad": poolSize, "bench-ok": poolSize });
  log(`reference: seeded 1 + 2 × ${poolSize} accounts`);

  const adminSql = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    const js = { latchkey: await scriptsShipped(lkPort, "/login"), reference: await scriptsShipped(refPort, "/login") };
    log(
      `JS to /login, gzip: Latchkey ${js.latchkey.gzipBytes} B in ${js.latchkey.scripts} scripts; reference ${js.reference.gzipBytes} B in ${js.reference.scripts} scripts`,
    );

    const fields = await loginFormFields(lkPort);
    const lkCookie = await signInLatchkey(lkPort, fields, ADMIN_EMAIL, ADMIN_PASSWORD);
    const refCookie = await signInReference(refPort, "bench-template-0@bench.local", PASSWORD);
    await warmUpLatchkey(lkPort, fields, lkCookie);

    const apps = {
      latchkey: { port: lkPort, pid: lkServer.child.pid, db: { sql: adminSql, name: lk.name }, scenarios: latchkeyScenarios(lkPort, fields, lkCookie, pools) },
      reference: {
        port: refPort,
        pid: refServer.child.pid,
        db: { sql: adminSql, name: REFERENCE_DB },
        scenarios: referenceScenarios(refPort, refCookie, pools),
      },
    };

    // Warm-up: every scenario on both apps for a short while (JIT, pools, caches), not counted.
    for (const s of SCENARIOS) {
      for (const [name, app] of Object.entries(apps)) {
        const w = await measureLoad({ port: app.port, scenario: app.scenarios[s.key], connections: CONNECTIONS, duration: WARMUP_SECONDS, pid: app.pid });
        if (w.errors) throw new Error(`warm-up ${name} ${s.title}: ${w.errors} errors ${JSON.stringify(w.errorKinds)}`);
      }
    }
    log("warmed up");

    const runs = [];
    for (let r = 1; r <= ROUNDS; r++) {
      const order = r % 2 ? ["latchkey", "reference"] : ["reference", "latchkey"];
      for (const s of SCENARIOS) {
        for (const name of order) {
          const app = apps[name];
          const load1 = os.loadavg()[0];
          const m = await measureLoad({
            port: app.port,
            scenario: app.scenarios[s.key],
            connections: CONNECTIONS,
            duration: DURATION,
            pid: app.pid,
            db: app.db,
          });
          runs.push({ round: r, app: name, scenario: s.key, loadAverage1m: round(load1, 2), ...m });
          log(
            `round ${r} ${name.padEnd(9)} ${s.title.padEnd(24)} ${String(m.reqPerSec).padStart(7)} req/s  CPU ${String(m.cpuMsPerRequest).padStart(6)} ms/req (db ${m.dbCpuMsPerRequest})  p50 ${m.p50} ms  errors ${m.errors}${m.errors ? " " + JSON.stringify(m.errorKinds) : ""}  load ${round(load1, 2)}`,
          );
        }
      }
    }

    const summary = SCENARIOS.map((s) => {
      const of = (app, k) => median(runs.filter((x) => x.app === app && x.scenario === s.key).map((x) => x[k]));
      const L = {
        reqPerSec: of("latchkey", "reqPerSec"),
        cpuMsPerRequest: of("latchkey", "cpuMsPerRequest"),
        dbCpuMsPerRequest: of("latchkey", "dbCpuMsPerRequest"),
      };
      const P = {
        reqPerSec: of("reference", "reqPerSec"),
        cpuMsPerRequest: of("reference", "cpuMsPerRequest"),
        dbCpuMsPerRequest: of("reference", "dbCpuMsPerRequest"),
      };
      const errors = runs.filter((x) => x.scenario === s.key).reduce((a, x) => a + x.errors, 0);
      const reqRatio = round(L.reqPerSec / P.reqPerSec, 2);
      const cpuRatio = round(P.cpuMsPerRequest / L.cpuMsPerRequest, 2);
      const totalCpuRatio = round((P.cpuMsPerRequest + P.dbCpuMsPerRequest) / (L.cpuMsPerRequest + L.dbCpuMsPerRequest), 2);
      return {
        scenario: s.key,
        title: s.title,
        goal: s.goal,
        latchkey: L,
        reference: P,
        reqPerSecRatio: reqRatio,
        cpuRatio,
        cpuWithDatabaseRatio: totalCpuRatio,
        metReqPerSec: reqRatio >= s.goal,
        metCpu: cpuRatio >= s.goal,
        errors,
      };
    });
    const jsRatio = round(js.latchkey.gzipBytes / js.reference.gzipBytes, 3);

    const head = [
      "",
      "Latchkey req/s",
      "peer req/s",
      "L÷peer",
      "goal",
      "",
      "Latchkey CPU ms/req",
      "peer CPU ms/req",
      "peer÷L",
      "",
      "+db: L ms",
      "+db: peer ms",
      "peer÷L",
      "errors",
    ];
    const rows = summary.map((x) => [
      x.title,
      x.latchkey.reqPerSec,
      x.reference.reqPerSec,
      x.reqPerSecRatio.toFixed(2),
      `≥ ${x.goal.toFixed(1)}`,
      x.metReqPerSec ? "met" : "NOT MET",
      x.latchkey.cpuMsPerRequest,
      x.reference.cpuMsPerRequest,
      x.cpuRatio.toFixed(2),
      x.metCpu ? "met" : "NOT MET",
      round(x.latchkey.cpuMsPerRequest + x.latchkey.dbCpuMsPerRequest, 2),
      round(x.reference.cpuMsPerRequest + x.reference.dbCpuMsPerRequest, 2),
      x.cpuWithDatabaseRatio.toFixed(2),
      x.errors,
    ]);
    rows.push([
      "JS to /login, gzip bytes",
      js.latchkey.gzipBytes,
      js.reference.gzipBytes,
      jsRatio.toFixed(3),
      "≤ 1.0",
      jsRatio <= 1 ? "met" : "NOT MET",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
    ]);
    const loadAtEnd = loadavg();
    console.log("");
    console.log(
      `Latchkey (Postgres) vs Better Auth reference — medians of ${ROUNDS} interleaved rounds, ${CONNECTIONS} connections × ${DURATION} s; load average ${loadAtStart.join(" ")} at start, ${loadAtEnd.join(" ")} at end, ${os.cpus().length} cores`,
    );
    console.log(fmtTable([head, ...rows]));
    console.log("CPU ms/req: the server's process tree (utime+stime from /proc); +db adds its Postgres backends. Ratios > 1 mean Latchkey is ahead.");

    const cpus = os.cpus();
    writeResultsSection(RESULTS_FILE, "againstReference", {
      date: new Date().toISOString(),
      command: "npm run bench -- --against-reference",
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? "unknown",
        memoryGiB: round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadAtEnd,
      },
      settings: {
        rounds: ROUNDS,
        durationSeconds: DURATION,
        connections: CONNECTIONS,
        accountsPerPool: poolSize,
        reference: path.relative(ROOT, REFERENCE_COPY),
        argon2id: "m=19456 KiB, t=2, p=1 in both",
      },
      summary,
      jsToLogin: { ...js, ratio: jsRatio, met: jsRatio <= 1 },
      runs,
    });
    log(`wrote ${path.relative(ROOT, RESULTS_FILE)} (againstReference)`);
    for (const [name, srv] of [
      ["latchkey", lkServer],
      ["reference", refServer],
    ]) {
      const errs = srv
        .output()
        .split("\n")
        .filter((l) => /⨯|Error/.test(l));
      if (errs.length) log(`${name}: the server logged ${errs.length} error line(s), first: ${errs[0].slice(0, 300)}`);
    }
  } finally {
    await adminSql.end({ timeout: 2 });
    await stopChild(lkServer.child);
    await stopChild(refServer.child);
  }
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  console.error(`\nbench failed: ${err.stack ?? err.message ?? err}`);
  exitCode = 1;
} finally {
  await cleanupAll();
  log(`done in ${((Date.now() - log.started) / 1000).toFixed(0)} s`);
}
process.exit(exitCode);
