// End-to-end tests: a production build of the app on an embedded Postgres (PGlite) in a fresh folder
// per run, driven by Debian's Chromium. One worker: one server process, two cores.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT || 3210);
const BASE_URL = `http://localhost:${PORT}`;
const DIST_DIR = process.env.E2E_DIST_DIR || ".next-e2e";
const TWILIO_FAKE_PORT = Number(process.env.E2E_TWILIO_PORT || 4599);
process.env.E2E_TWILIO_PORT = String(TWILIO_FAKE_PORT);

// The config is evaluated again in every worker process: values that must be the same everywhere
// (random per run) are fixed once in the runner's environment, which workers inherit.
if (!process.env.E2E_RUN_ID) {
  process.env.E2E_RUN_ID = `${Date.now()}-${randomBytes(3).toString("hex")}`;
  process.env.E2E_AUTH_SECRET ||= randomBytes(33).toString("base64url");
  pruneOldRuns(path.resolve(__dirname, "tests", ".tmp"));
}

/** Each run leaves its database and results behind for inspection; those older than 6 hours go. */
function pruneOldRuns(dir: string) {
  if (!existsSync(dir)) return;
  const cutoff = Date.now() - 6 * 3600_000;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    try {
      if (name.startsWith("e2e-") && statSync(full).mtimeMs < cutoff) rmSync(full, { recursive: true, force: true });
    } catch {
      // Another run may be removing it too.
    }
  }
}
const RUN_ID = process.env.E2E_RUN_ID;
const RUN_DIR = path.resolve(__dirname, "tests", ".tmp", `e2e-${RUN_ID}`);
mkdirSync(RUN_DIR, { recursive: true });

// Read by tests/e2e/helpers.ts.
process.env.E2E_BASE_URL = BASE_URL;
process.env.E2E_RUN_DIR = RUN_DIR;
process.env.E2E_ADMIN_EMAIL ||= "admin@latchkey.test";
process.env.E2E_ADMIN_PASSWORD ||= "Quiet lantern over seven orchards, e2e";

const skipBuild = process.env.E2E_SKIP_BUILD === "1" && existsSync(path.join(__dirname, DIST_DIR, "BUILD_ID"));
const next = "node_modules/.bin/next";

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  // On CI a test that fails once runs once more; the summary of `npm test` counts it as flaky, so a
  // test that fails twice still fails the run.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: process.env.E2E_JSON_REPORT || path.join(RUN_DIR, "report.json") }]],
  outputDir: path.join(RUN_DIR, "results"),
  use: {
    baseURL: BASE_URL,
    // Tracing costs ~40% of the run time on two cores: on demand only (E2E_TRACE=1).
    trace: process.env.E2E_TRACE === "1" ? "retain-on-failure" : "off",
    screenshot: "only-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "chromium", use: { browserName: "chromium" } },
    // The attack suite (tests/security/*.spec.ts) against the same server, in the same run.
    { name: "security", testDir: "tests/security", testMatch: "*.spec.ts", use: { browserName: "chromium" } },
    // Pictures of the pages (docs/images, and tests/.tmp/look for a look at every page), made on
    // demand: `npm run screenshots` (LATCHKEY_SCREENSHOTS=1 playwright test --project=screenshots).
    ...(process.env.LATCHKEY_SCREENSHOTS === "1"
      ? [{ name: "screenshots", testDir: "tests/screenshots", testMatch: "*.spec.ts", use: { browserName: "chromium" as const } }]
      : []),
  ],
  webServer: {
    // The build as `npm run build` makes it: next build, then the prerendered pages' CSP hashes.
    command: skipBuild ? `${next} start -p ${PORT}` : `${next} build && node scripts/csp-hashes.mjs && ${next} start -p ${PORT}`,
    url: `${BASE_URL}/login`,
    // Up to 180 s for the server to answer, plus time for the production build on a busy machine.
    timeout: Number(process.env.E2E_SERVER_TIMEOUT_MS) || (skipBuild ? 180_000 : 600_000),
    reuseExistingServer: false,
    // The build log and server errors show in the run's output (prefixed [WebServer]).
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: DIST_DIR,
      AUTH_SECRET: process.env.E2E_AUTH_SECRET!,
      AUTH_TRUST_HOST: "true",
      LATCHKEY_DATA_DIR: path.join(RUN_DIR, "pglite"),
      LATCHKEY_DEV_OUTBOX: "1",
      LATCHKEY_BASE_URL: BASE_URL,
      LATCHKEY_ADMIN_EMAIL: process.env.E2E_ADMIN_EMAIL,
      LATCHKEY_ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD,
      // The app under test uses its embedded database, whatever the calling shell points at.
      DATABASE_URL: "",
      PORT: String(PORT),
      // The provider-failure spec starts a Twilio stand-in on this port and selects Twilio on the admin SMS page.
      TWILIO_BASE_URL: `http://127.0.0.1:${TWILIO_FAKE_PORT}`,
      LATCHKEY_SMS_TIMEOUT_MS: "3000",
    },
  },
});
