#!/usr/bin/env node
// `npm test`: the Vitest suites, then the Playwright end-to-end suite. Both always run; their output
// streams as it comes; the exit code is non-zero when either fails; the last line sums them up as
// "N passed, N failed".
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "tests", ".tmp", "reports");
mkdirSync(outDir, { recursive: true });
const vitestJson = path.join(outDir, "vitest.json");
const playwrightJson = path.join(outDir, "playwright.json");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

// Ctrl-C stops the runner in progress and the script, not just the current runner.
let interrupted = false;

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label}: ${[path.basename(cmd), ...args].join(" ")}\n`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    const stop = (sig) => {
      interrupted = true;
      child.kill(sig);
    };
    process.on("SIGINT", stop).on("SIGTERM", stop);
    child.on("error", (err) => {
      console.error(`${label} could not start: ${err.message}`);
      resolve({ code: 1, seconds: 0 });
    });
    child.on("close", (code, signal) => {
      process.off("SIGINT", stop).off("SIGTERM", stop);
      resolve({ code: code ?? (signal ? 1 : 0), seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

function readJson(file) {
  try {
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
  } catch {
    return null;
  }
}

/** Vitest's JSON reporter uses Jest's shape. */
function vitestCounts() {
  const r = readJson(vitestJson);
  if (!r) return null;
  return { passed: r.numPassedTests ?? 0, failed: r.numFailedTests ?? 0, skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0) };
}

/** Playwright's JSON reporter: expected = passed, unexpected = failed, flaky passed on a retry. */
function playwrightCounts() {
  const r = readJson(playwrightJson);
  if (!r?.stats) return null;
  const s = r.stats;
  return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
}

/** A runner that failed without counting a failed test (crash, no server, bad config) counts as one failure. */
function settle(label, result, counts) {
  const c = counts ?? { passed: 0, failed: 0, skipped: 0 };
  if (result.code !== 0 && c.failed === 0) {
    console.log(`${label} exited with code ${result.code} without a failed test: counted as 1 failure.`);
    c.failed = 1;
  }
  if (result.code === 0 && c.failed > 0) result.code = 1;
  return c;
}

rmSync(vitestJson, { force: true });
rmSync(playwrightJson, { force: true });

const unit = await run("vitest", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]);
const unitCounts = settle("vitest", unit, vitestCounts());

if (interrupted) process.exit(130);
const e2e = await run("playwright", bin("playwright"), ["test"], { E2E_JSON_REPORT: playwrightJson });
const e2eCounts = settle("playwright", e2e, playwrightCounts());

const passed = unitCounts.passed + e2eCounts.passed;
const failed = unitCounts.failed + e2eCounts.failed;
const skipped = unitCounts.skipped + e2eCounts.skipped;
console.log("");
// Per-runner lines are worded differently from the closing line, so only that one reads as the total.
const line = (label, c, r) => `${label}: passed ${c.passed}, failed ${c.failed}, skipped ${c.skipped}, exit code ${r.code}, ${r.seconds} s`;
console.log(line("vitest    ", unitCounts, unit));
console.log(line("playwright", e2eCounts, e2e));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(unit.code !== 0 || e2e.code !== 0 ? 1 : 0);
