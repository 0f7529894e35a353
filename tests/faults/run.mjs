// `npm run faults`: the PostgreSQL server restarts while visitors sign up and sign in.
// See docs/faults.md.
//
// What it does
//   1. Builds into .next-load (shared with `npm run load`; FAULTS_SKIP_BUILD=1 reuses it), creates
//      a fresh database on the local Postgres server, prepares it with tests/load/seed.ts (2FA
//      required for new accounts, email codes only, confirmation by email) and starts one
//      `next start` with LATCHKEY_DEV_OUTBOX=1.
//   2. FAULTS_VUS virtual users (default 50) loop through the new-visitor flow of the load test
//      (sign up, confirm by link, sign in, set up email codes, dashboard), each loop a new account,
//      while a signed-in visitor reloads /dashboard every 250 ms (a session lookup in the database).
//   3. After FAULTS_BEFORE_S seconds (default 8) it restarts the PostgreSQL server with
//      `pg_ctlcluster VERSION main restart -m fast` (a plain restart: every connection of every
//      client is cut, the server is down for about a second), and keeps the loops going for
//      FAULTS_AFTER_S seconds (default 20) after the server is back. The server is started again
//      in a `finally` if it is not ready, and `pg_isready -h 127.0.0.1` is checked at the end.
//   4. Checks, without restarting the app:
//      - recovery: FAULTS_RECOVERY_FLOWS (default 10) new visitors after the loops all succeed;
//      - nothing is left hanging: no request fails later than 5 s after the database is ready;
//      - an outage never signs the probe's visitor out;
//      - clear errors: no answer leaks internals (a stack trace, a driver error); every 5xx is the
//        app's own error page ("Something went wrong", app/error.tsx); failed form posts show a
//        message;
//      - no half-created account: every account row has its password hash and the new-account
//        defaults (active, 2FA required in the Web app); rows are counted against the sign-ups that
//        answered with the check-email page; accounts without a confirmation code, 2FA set-ups
//        without a method or recovery codes, and rows of related tables without their account are
//        counted.
//   5. Prints the figures, writes tests/faults/results.json, stops the server and drops the
//      database. Exits 1 when a check fails.
//
// Environment (all optional): FAULTS_VUS, FAULTS_BEFORE_S, FAULTS_AFTER_S, FAULTS_RECOVERY_FLOWS,
// FAULTS_PG_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres),
// FAULTS_SKIP_BUILD=1, FAULTS_PG_CLUSTER ("VERSION NAME", default: the cluster on port 5432 in
// `pg_lsclusters`).
import { execFile, execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
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
  round,
  request,
  run,
  startNext,
} from "../bench/harness.mjs";
import { StepError, leaksInternals, newAccountFlow, pageMessage } from "../load/client.mjs";

const DIST_DIR = ".next-load";
const RESULTS_FILE = path.join(ROOT, "tests/faults/results.json");
const VUS = Number(process.env.FAULTS_VUS ?? 50);
const BEFORE_S = Number(process.env.FAULTS_BEFORE_S ?? 8);
const AFTER_S = Number(process.env.FAULTS_AFTER_S ?? 20);
const RECOVERY_FLOWS = Number(process.env.FAULTS_RECOVERY_FLOWS ?? 10);
const PG_ADMIN_URL = process.env.FAULTS_PG_URL ?? DEFAULT_PG_ADMIN_URL;
const PASSWORD = "faults-correct-horse-42";
const APP_ERROR_PAGE = "Something went wrong";
const GENERIC_FORM_ERROR = "Something went wrong on our side. Please try again.";

const log = makeLog("faults");

// ——— the PostgreSQL server ———

function cluster() {
  if (process.env.FAULTS_PG_CLUSTER) return process.env.FAULTS_PG_CLUSTER.split(/\s+/);
  const lines = execFileSync("pg_lsclusters", ["-h"], { encoding: "utf8" }).trim().split("\n");
  const row = lines.map((l) => l.split(/\s+/)).find((c) => c[2] === String(new URL(PG_ADMIN_URL).port || 5432));
  if (!row) throw new Error(`no cluster on port ${new URL(PG_ADMIN_URL).port || 5432} in pg_lsclusters`);
  return [row[0], row[1]];
}

const pgReady = () => {
  try {
    execFileSync("pg_isready", ["-h", "127.0.0.1", "-p", String(new URL(PG_ADMIN_URL).port || 5432), "-t", "2"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** Starts the cluster if it is not ready: the server is shared and must never be left stopped. */
function ensurePgRunning() {
  if (pgReady()) return;
  const [version, name] = cluster();
  log(`PostgreSQL is not ready: starting cluster ${version}/${name}`);
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, "start"], { stdio: "inherit" });
}

const pgAnswers = () =>
  promisify(execFile)("pg_isready", ["-h", "127.0.0.1", "-p", String(new URL(PG_ADMIN_URL).port || 5432), "-t", "1"]).then(
    () => true,
    () => false,
  );

/** Restarts the cluster without blocking this process (the visitors and the probe keep going). */
async function restartPg() {
  const [version, name] = cluster();
  const t = Date.now();
  const restarting = promisify(execFile)("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, "restart", "-m", "fast"]);
  // Ready = the first pg_isready success after the server went away.
  let down = false;
  let readyAt = null;
  while (Date.now() - t < 60_000) {
    const up = await pgAnswers();
    if (!up) down = true;
    else if (down) {
      readyAt = Date.now();
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await restarting;
  const returned = Date.now();
  if (readyAt === null) {
    while (!(await pgAnswers()) && Date.now() - t < 60_000) await new Promise((r) => setTimeout(r, 50));
    readyAt = Date.now();
  }
  return { cluster: `${version}/${name}`, startedAt: t, restartReturnedMs: returned - t, readyAfterMs: readyAt - t };
}

cleanupOnSignals(async () => ensurePgRunning());

// ——— the visitors ———

function recorder() {
  const responses = [];
  return {
    responses,
    onResponse: (step, res, ms) =>
      responses.push({ at: Date.now(), step, status: res.status, location: res.headers?.location ?? null, error: res.error ?? null, ms, body: res.body }),
  };
}

/** The visible text of a page's <main>, for the report. */
const bodyText = (html) =>
  (/<main[\s\S]*?<\/main>/.exec(html)?.[0] ?? html)
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/**
 * A page whose server rendering failed: Next answers 500 with an empty document (`__next_error__`)
 * whose React payload carries only the error's digest, and the browser then renders the nearest
 * error boundary, app/error.tsx ("Something went wrong"). Without JavaScript the page stays blank.
 */
const isErrorBoundaryShell = (body) => body.includes('id="__next_error__"') && /E\{\\?"digest\\?"/.test(body);

/** Why an answer is acceptable during an outage, or what is wrong with it. */
function judge(r) {
  if (r.error) return { ok: false, kind: `no answer (${r.error})` };
  if (leaksInternals(r.body)) return { ok: false, kind: "leaks internals" };
  if (r.status >= 500) {
    if (r.step.startsWith("outbox")) return { ok: true, kind: `development outbox ${r.status}` };
    if (r.body.includes(APP_ERROR_PAGE)) return { ok: true, kind: `${r.status} app error page` };
    if (isErrorBoundaryShell(r.body)) return { ok: true, kind: `${r.status} app error page (app/error.tsx, rendered in the browser)` };
    return { ok: false, kind: `${r.status} without the app's error page` };
  }
  return { ok: true, kind: `${r.status}` };
}

/** An answer that is not what the step expects: no answer, 4xx/5xx, or a form's generic error. */
const failed = (r) => Boolean(r.error) || r.status >= 400 || (r.status === 200 && r.step.startsWith("POST") && r.body.includes(GENERIC_FORM_ERROR));

/**
 * A signed-in visitor reloading the dashboard every 250 ms (each request looks up the session in
 * the database): shows when pages fail during the outage, how, and how long after the database is
 * back they are served again.
 */
function dashboardProbe(browser, port) {
  const answers = [];
  const pending = new Set();
  const timer = setInterval(() => {
    const sentAt = Date.now();
    const p = request(port, { path: "/dashboard", headers: { accept: "text/html", cookie: browser.cookieHeader() }, timeoutMs: 60_000 })
      .then((res) => {
        const kind =
          res.status === 200 && res.body.includes("account-status")
            ? "dashboard"
            : res.status >= 300 && res.status < 400
              ? `redirect to ${res.headers.location}`
              : judge({ step: "probe", ...res }).kind;
        answers.push({
          sentAt,
          ms: Date.now() - sentAt,
          kind,
          ok: kind === "dashboard" || judge({ step: "probe", ...res }).ok,
          sample: kind === "dashboard" ? undefined : res.body.slice(0, 300),
        });
      })
      .catch((err) => answers.push({ sentAt, ms: Date.now() - sentAt, kind: `no answer (${err.code ?? err.message})`, ok: false }))
      .finally(() => pending.delete(p));
    pending.add(p);
  }, 250);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
      return answers.sort((a, b) => a.sentAt - b.sentAt);
    },
  };
}

/** The probe's answers before, during and after the outage. */
function probeFigures(answers, restartAt, readyAt) {
  const during = answers.filter((a) => a.sentAt >= restartAt && a.sentAt < readyAt);
  const after = answers.filter((a) => a.sentAt >= readyAt);
  const before = answers.filter((a) => a.sentAt < restartAt);
  const kinds = (xs) => xs.reduce((m, a) => ({ ...m, [a.kind]: (m[a.kind] ?? 0) + 1 }), {});
  const slowest = (xs) => xs.reduce((m, a) => Math.max(m, a.ms), 0);
  return {
    requests: answers.length,
    before: { requests: before.length, answers: kinds(before), slowestMs: slowest(before) },
    duringOutage: { requests: during.length, answers: kinds(during), slowestMs: slowest(during) },
    afterReady: { requests: after.length, answers: kinds(after), slowestMs: slowest(after) },
    samples: Object.fromEntries(answers.filter((a) => a.sample !== undefined).map((a) => [a.kind, a.sample])),
  };
}

async function loops(port, stopAt, rec, outcomes) {
  let n = 0;
  await Promise.all(
    Array.from({ length: VUS }, async (_, v) => {
      await new Promise((r) => setTimeout(r, Math.floor((v / VUS) * 2000)));
      while (Date.now() < stopAt()) {
        const email = `loop-${v}-${n++}@faults.local`;
        const started = Date.now();
        try {
          await newAccountFlow({ ports: [port], email, name: "Fault Visitor", password: PASSWORD, onResponse: rec.onResponse });
          outcomes.push({ email, started, ended: Date.now(), ok: true });
        } catch (err) {
          outcomes.push({
            email,
            started,
            ended: Date.now(),
            ok: false,
            step: err instanceof StepError ? err.step : "unexpected",
            detail: err instanceof StepError ? err.detail : String(err),
          });
        }
      }
    }),
  );
}

// ——— the database afterwards ———

async function inspect(dbUrl, signupsAccepted) {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const users = await sql`select id, email, password_hash is not null as has_hash, status, two_factor_web, email_verified_at is not null as confirmed,
      primary_method, two_factor_email_confirmed_at is not null as email_method_confirmed from users where email like '%@faults.local'`;
    const codes = new Set((await sql`select distinct target from codes where purpose = 'email_confirm'`).map((r) => r.target));
    // The newest confirmation code (and link) of each address, and whether it was used.
    const newestUsed = new Map(
      (
        await sql`select distinct on (target) target, consumed_at is not null as used from codes where purpose = 'email_confirm' order by target, created_at desc`
      ).map((r) => [r.target, r.used]),
    );
    const recovery = new Map((await sql`select user_id, count(*)::int as n from recovery_codes group by user_id`).map((r) => [r.user_id, r.n]));
    const created = new Set((await sql`select user_id from audit_log where action = 'account.created'`).map((r) => r.user_id));
    const orphans = {};
    for (const [table, column] of [
      ["sessions", "user_id"],
      ["codes", "user_id"],
      ["recovery_codes", "user_id"],
      ["sign_in_challenges", "user_id"],
      ["trusted_devices", "user_id"],
      ["webauthn_credentials", "user_id"],
    ]) {
      const [r] = await sql.unsafe(
        `select count(*)::int as n from ${table} t where t.${column} is not null and not exists (select 1 from users u where u.id = t.${column})`,
      );
      orphans[table] = r.n;
    }
    const [{ n: confirmCodesWithoutAccount }] =
      await sql`select count(distinct target)::int as n from codes c where purpose = 'email_confirm' and target like '%@faults.local'
      and not exists (select 1 from users u where u.email = c.target)`;
    const rows = users.length;
    const emails = new Set(users.map((u) => u.email));
    return {
      accountRows: rows,
      signupsAnsweredCheckEmail: signupsAccepted.size,
      rowsWithoutAcceptedSignup: users.filter((u) => !signupsAccepted.has(u.email)).map((u) => u.email),
      acceptedSignupsWithoutRow: [...signupsAccepted].filter((e) => !emails.has(e)),
      withoutPasswordHash: users.filter((u) => !u.has_hash).length,
      withoutNewAccountDefaults: users.filter((u) => u.status !== "active" || !u.two_factor_web).length,
      unconfirmedWithoutConfirmationCode: users.filter((u) => !u.confirmed && !codes.has(u.email)).map((u) => u.email),
      unconfirmedWithUsedConfirmation: users.filter((u) => !u.confirmed && newestUsed.get(u.email) === true).map((u) => u.email),
      withoutAccountCreatedAudit: users.filter((u) => !created.has(u.id)).length,
      emailMethodConfirmedWithoutPrimaryMethod: users.filter((u) => u.email_method_confirmed && !u.primary_method).map((u) => u.email),
      methodWithoutRecoveryCodes: users.filter((u) => u.primary_method && !recovery.get(u.id)).map((u) => u.email),
      confirmationCodesWithoutAccount: confirmCodesWithoutAccount,
      orphanRows: orphans,
    };
  } finally {
    await sql.end({ timeout: 2 });
  }
}

// ——— main ———

async function main() {
  const loadAtStart = loadavg();
  log(`load average ${loadAtStart.join(" ")} on ${os.cpus().length} cores`);
  if (!pgReady()) throw new Error("PostgreSQL is not ready before the run (pg_isready -h 127.0.0.1)");
  log(`cluster to restart: ${cluster().join("/")}`);
  await build({ distDir: DIST_DIR, reuse: process.env.FAULTS_SKIP_BUILD === "1", reuseVar: "FAULTS_SKIP_BUILD", log });
  const pg = await createPostgresDb({ adminUrl: PG_ADMIN_URL, prefix: "latchkey_faults", log });
  if (pg.skipped) throw new Error(pg.skipped);
  log(`created database ${pg.name}`);
  await run(process.execPath, [TSX_BIN, "--conditions=react-server", "tests/load/seed.ts"], { env: appEnv({ DATABASE_URL: pg.url }) });
  const port = await freePort();
  const server = await startNext(
    appEnv({
      DATABASE_URL: pg.url,
      NEXT_DIST_DIR: DIST_DIR,
      LATCHKEY_BASE_URL: `http://localhost:${port}`,
      LATCHKEY_DEV_OUTBOX: "1",
      LATCHKEY_SKIP_MIGRATIONS: "1",
    }),
    port,
  );
  log(`next start ready on 127.0.0.1:${port}`);
  const rec = recorder();
  const signedIn = await newAccountFlow({ ports: [port], email: "warm-up@faults.local", name: "Warm Up", password: PASSWORD, onResponse: rec.onResponse });
  const probe = dashboardProbe(signedIn, port);

  const outcomes = [];
  let stopAt = Infinity;
  log(`${VUS} virtual users looping; PostgreSQL restarts in ${BEFORE_S} s`);
  const running = loops(port, () => stopAt, rec, outcomes);
  let restart;
  try {
    await new Promise((r) => setTimeout(r, BEFORE_S * 1000));
    log(`restarting PostgreSQL (${outcomes.filter((o) => o.ok).length} flows completed so far)…`);
    restart = await restartPg();
    log(`pg_ctlcluster restart returned after ${restart.restartReturnedMs} ms; ready after ${restart.readyAfterMs} ms`);
  } finally {
    ensurePgRunning();
  }
  const backAt = restart.startedAt + restart.readyAfterMs;
  stopAt = backAt + AFTER_S * 1000;
  await running;
  log(`loops done: ${outcomes.filter((o) => o.ok).length} complete flows, ${outcomes.filter((o) => !o.ok).length} failed`);
  const probeAnswers = await probe.stop();

  // Recovery: new visitors once the database is back, the app never restarted.
  const recovery = [];
  await Promise.all(
    Array.from({ length: RECOVERY_FLOWS }, async (_, i) => {
      try {
        await newAccountFlow({ ports: [port], email: `after-${i}@faults.local`, name: "After", password: PASSWORD, onResponse: rec.onResponse });
        recovery.push({ ok: true });
      } catch (err) {
        recovery.push({ ok: false, detail: err.message });
      }
    }),
  );
  log(`recovery: ${recovery.filter((r) => r.ok).length}/${RECOVERY_FLOWS} new visitors completed`);

  // Every answer, judged; grouped by step, status and what the page said.
  const kinds = new Map();
  const unexpectedAnswers = [];
  let bad = 0;
  for (const r of rec.responses) {
    const j = judge(r);
    const unexpected = failed(r);
    if (!j.ok) bad++;
    if (!j.ok || unexpected) {
      unexpectedAnswers.push({
        sentAtMs: Math.round(r.at - r.ms - restart.startedAt),
        answeredAtMs: r.at - restart.startedAt,
        step: r.step,
        status: r.status,
        answer: j.kind,
        page: pageMessage(r.body ?? ""),
        bodyText: r.body ? bodyText(r.body).slice(0, 400) : null,
      });
      const key = `${r.step} → ${j.kind}${r.body ? `: ${pageMessage(r.body).slice(0, 140)}` : ""}`;
      const k = kinds.get(key) ?? { count: 0, ok: j.ok, firstAtMs: r.at - restart.startedAt, lastAtMs: 0 };
      k.count++;
      k.lastAtMs = r.at - restart.startedAt;
      kinds.set(key, k);
    }
  }
  const probeResult = probeFigures(probeAnswers, restart.startedAt, backAt);
  // Requests in flight when the connections were cut, or sent during the outage, should fail soon
  // after the database is back (or succeed); one that fails much later was left hanging.
  const failures = [
    ...rec.responses.filter(failed).map((r) => ({ step: r.step, sentAt: r.at - r.ms, answeredAt: r.at })),
    ...probeAnswers.filter((a) => a.kind !== "dashboard").map((a) => ({ step: "probe GET /dashboard", sentAt: a.sentAt, answeredAt: a.sentAt + a.ms })),
  ];
  const lastFailure = failures.sort((a, b) => b.answeredAt - a.answeredAt)[0];
  const lateFailures = {
    failures: failures.length,
    lastFailureAnsweredMsAfterReady: lastFailure ? lastFailure.answeredAt - backAt : null,
    lastFailure: lastFailure
      ? { step: lastFailure.step, sentMsAfterRestart: lastFailure.sentAt - restart.startedAt, answeredMsAfterReady: lastFailure.answeredAt - backAt }
      : null,
    failedMoreThan5sAfterReady: failures.filter((f) => f.answeredAt - backAt > 5000).length,
  };
  const failedAfterBack = outcomes.filter((o) => !o.ok && o.started > backAt + 1000);
  const firstOkAfter = outcomes.filter((o) => o.ok && o.started >= backAt).sort((a, b) => a.ended - b.ended)[0];
  const signupsAccepted = new Set();
  for (const r of rec.responses)
    if (r.step === "POST /signup" && r.status === 303) signupsAccepted.add(decodeURIComponent(/email=([^&]+)/.exec(r.location)?.[1] ?? ""));
  const db = await inspect(pg.url, signupsAccepted);
  const s = server.output();
  const serverLog = {
    errorLines: s.split("\n").filter((l) => /⨯|Error|error/.test(l)).length,
    distinctErrors: [
      ...new Set(
        s
          .split("\n")
          .filter((l) => /⨯|Error|error/.test(l))
          .map((l) => l.replace(/\d+/g, "N").slice(0, 160)),
      ),
    ].slice(0, 10),
  };

  const checks = [
    {
      name: "the app recovers without a restart: every new visitor after the database is back completes",
      pass: recovery.every((r) => r.ok),
      completed: recovery.filter((r) => r.ok).length,
      of: RECOVERY_FLOWS,
    },
    {
      name: "nothing is left hanging: no request fails later than 5 s after the database is ready",
      pass: lateFailures.failedMoreThan5sAfterReady === 0,
      failedMoreThan5sAfterReady: lateFailures.failedMoreThan5sAfterReady,
      lastFailureAnsweredMsAfterReady: lateFailures.lastFailureAnsweredMsAfterReady,
    },
    {
      name: "a database outage never signs a visitor out (no redirect of the signed-in probe to /login)",
      pass: !probeAnswers.some((a) => a.kind.startsWith("redirect")),
    },
    { name: "no flow started more than 1 s after the database was back failed", pass: failedAfterBack.length === 0, failed: failedAfterBack.length },
    {
      name: "every answer is a product page: no stack trace or driver error, 5xx only as the app's error page",
      pass: bad === 0 && probeAnswers.every((a) => a.ok),
      bad: bad + probeAnswers.filter((a) => !a.ok).length,
    },
    { name: "every account row has its password hash and the new-account defaults", pass: db.withoutPasswordHash === 0 && db.withoutNewAccountDefaults === 0 },
    { name: "every accepted sign-up has its account row", pass: db.acceptedSignupsWithoutRow.length === 0, missing: db.acceptedSignupsWithoutRow.length },
    { name: "no rows of related tables without their account", pass: Object.values(db.orphanRows).every((n) => n === 0), orphans: db.orphanRows },
    {
      name: "no confirmation left half-done (the newest code and link used up while the address stays unconfirmed)",
      pass: db.unconfirmedWithUsedConfirmation.length === 0,
      accounts: db.unconfirmedWithUsedConfirmation.length,
    },
    {
      name: "no 2FA set-up left half-done (email confirmed for codes without a method, or a method without recovery codes)",
      pass: db.emailMethodConfirmedWithoutPrimaryMethod.length === 0 && db.methodWithoutRecoveryCodes.length === 0,
      emailConfirmedWithoutMethod: db.emailMethodConfirmedWithoutPrimaryMethod.length,
      methodWithoutRecoveryCodes: db.methodWithoutRecoveryCodes.length,
    },
  ];
  const notes = {
    accountsCreatedWhileTheVisitorSawAnError: db.rowsWithoutAcceptedSignup.length,
    accountsWithoutConfirmationCode: db.unconfirmedWithoutConfirmationCode.length,
  };

  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg() },
    settings: { vus: VUS, beforeSeconds: BEFORE_S, afterSeconds: AFTER_S, recoveryFlows: RECOVERY_FLOWS },
    restart,
    flows: {
      completed: outcomes.filter((o) => o.ok).length,
      failed: outcomes.filter((o) => !o.ok).length,
      failedByStep: Object.fromEntries(
        [...outcomes.filter((o) => !o.ok).reduce((m, o) => m.set(o.step, (m.get(o.step) ?? 0) + 1), new Map())].sort((a, b) => b[1] - a[1]),
      ),
      firstCompletedAfterBackMs: firstOkAfter ? firstOkAfter.ended - backAt : null,
      failures: outcomes
        .filter((o) => !o.ok)
        .slice(0, 50)
        .map((o) => ({ step: o.step, detail: o.detail, startedMsAfterRestart: o.started - restart.startedAt, endedMsAfterReady: o.ended - backAt })),
    },
    dashboardProbe: probeResult,
    lateFailures,
    requests: rec.responses.length,
    answersOtherThanExpected: Object.fromEntries([...kinds].sort((a, b) => b[1].count - a[1].count)),
    unexpectedAnswers: unexpectedAnswers.slice(0, 100),
    database: db,
    notes,
    serverLog,
    checks,
  };

  console.log("");
  console.log(`PostgreSQL ${restart.cluster} restarted: pg_ctlcluster returned after ${restart.restartReturnedMs} ms, ready after ${restart.readyAfterMs} ms`);
  console.log(
    `flows: ${results.flows.completed} completed, ${results.flows.failed} failed ${JSON.stringify(results.flows.failedByStep)}; first completed after the database was back: ${results.flows.firstCompletedAfterBackMs} ms`,
  );
  const pf = probeResult;
  console.log(
    `dashboard probe every 250 ms: before ${JSON.stringify(pf.before.answers)} (slowest ${pf.before.slowestMs} ms); during the outage ${JSON.stringify(pf.duringOutage.answers)} (slowest ${pf.duringOutage.slowestMs} ms); ` +
      `after ${JSON.stringify(pf.afterReady.answers)} (slowest ${pf.afterReady.slowestMs} ms)`,
  );
  console.log(
    `failed answers: ${lateFailures.failures}; the last arrived ${lateFailures.lastFailureAnsweredMsAfterReady} ms after the database was ready (${lateFailures.lastFailure?.step ?? "-"}, sent ${lateFailures.lastFailure?.sentMsAfterRestart ?? "-"} ms after the restart began); ${lateFailures.failedMoreThan5sAfterReady} later than 5 s`,
  );
  console.log(`answers other than the expected ones (${rec.responses.length} requests):`);
  for (const [k, v] of kinds)
    console.log(
      `  ${String(v.count).padStart(4)} × ${k}  [${round(v.firstAtMs / 1000)}…${round(v.lastAtMs / 1000)} s from the restart]${v.ok ? "" : "  ← NOT ACCEPTABLE"}`,
    );
  console.log(
    `accounts: ${db.accountRows} rows, ${db.signupsAnsweredCheckEmail} sign-ups answered with the check-email page; created while the visitor saw an error: ${notes.accountsCreatedWhileTheVisitorSawAnError}; without a confirmation code: ${notes.accountsWithoutConfirmationCode}; without an account.created audit entry: ${db.withoutAccountCreatedAudit}`,
  );
  console.log(`orphan rows: ${JSON.stringify(db.orphanRows)}; confirmation codes for addresses without an account: ${db.confirmationCodesWithoutAccount}`);
  console.log(`server log: ${serverLog.errorLines} error lines${serverLog.distinctErrors.map((l) => `\n  ${l}`).join("")}`);
  for (const c of checks) console.log(`${c.pass ? "PASS" : "FAIL"}: ${c.name}`);
  writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2) + "\n");
  log(`wrote ${path.relative(ROOT, RESULTS_FILE)}`);
  return checks.every((c) => c.pass);
}

let exitCode = 0;
try {
  if (!(await main())) exitCode = 1;
} catch (err) {
  console.error(`\nfault test failed: ${err.stack ?? err.message ?? err}`);
  exitCode = 1;
} finally {
  try {
    ensurePgRunning();
  } catch (err) {
    console.error(`could not start PostgreSQL: ${err.message}`);
    exitCode = 1;
  }
  await cleanupAll();
  const ready = pgReady();
  log(`pg_isready -h 127.0.0.1: ${ready ? "accepting connections" : "NOT READY"}`);
  if (!ready) exitCode = 1;
  log(`done in ${((Date.now() - log.started) / 1000).toFixed(0)} s`);
}
process.exit(exitCode);
