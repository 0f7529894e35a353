// O1: the embedded database is never lost. `npm run admin:create` and `npm run db:migrate` run
// against the data folder of a live server refuse with a clear message and change nothing; after a
// restart the server opens the folder and signs people in. A second server of its own is started
// on the e2e build with a fresh folder.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Page } from "@playwright/test";
import { expect, test } from "./test";

const ROOT = path.resolve(__dirname, "..", "..");
const PORT = Number(process.env.E2E_LOCK_PORT || 3297);
const BASE = `http://localhost:${PORT}`;
const RUN_DIR = process.env.E2E_RUN_DIR ?? path.join(ROOT, "tests", ".tmp");
const DATA_DIR = path.join(RUN_DIR, `lock-${randomBytes(3).toString("hex")}`, "pglite");
const ADMIN = { email: "first-admin@lock.test", password: "Copper lantern beside nine rivers" };
const SECOND = { email: "cli-admin@lock.test", password: "Velvet harbour under twelve moons" };

const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  NEXT_DIST_DIR: process.env.E2E_DIST_DIR || ".next-e2e",
  AUTH_SECRET: process.env.E2E_AUTH_SECRET || randomBytes(33).toString("base64url"),
  LATCHKEY_DATA_DIR: DATA_DIR,
  LATCHKEY_BASE_URL: BASE,
  DATABASE_URL: "",
  PORT: String(PORT),
};

let server: ChildProcess | undefined;
let serverLog = "";

async function startServer(extra: Record<string, string> = {}) {
  serverLog = "";
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "next"), ["start", "-p", String(PORT)], { cwd: ROOT, env: { ...env, ...extra } });
  child.stdout!.on("data", (d) => (serverLog += d));
  child.stderr!.on("data", (d) => (serverLog += d));
  server = child;
  await expect
    .poll(
      async () => {
        if (server!.exitCode !== null) throw new Error(`the server exited: ${serverLog}`);
        try {
          return (await fetch(`${BASE}/login`)).status;
        } catch {
          return 0;
        }
      },
      { timeout: 60_000, intervals: [250] },
    )
    .toBe(200);
}

async function stopServer() {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server!.once("exit", r));
  server.kill("SIGTERM");
  await exited;
}

/** Runs an npm script against the same data folder; returns its exit code and output. */
function npm(script: string, args: string[] = []) {
  const r = spawnSync("npm", ["run", "-s", script, "--", ...args], { cwd: ROOT, env: { ...env, NODE_ENV: "development" }, encoding: "utf8", timeout: 90_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

async function signInAt(page: Page, who: { email: string; password: string }) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Email or phone").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(`${BASE}/dashboard`);
}

test.afterAll(async () => {
  await stopServer();
});

test("the CLI refuses a data folder a live server holds; after a restart every account is there", async ({ page }) => {
  test.setTimeout(240_000);
  mkdirSync(path.dirname(DATA_DIR), { recursive: true });
  await startServer({ LATCHKEY_ADMIN_EMAIL: ADMIN.email, LATCHKEY_ADMIN_PASSWORD: ADMIN.password });
  expect(existsSync(`${DATA_DIR}.lock`), "the server holds the folder's lock").toBe(true);

  const create = npm("admin:create", ["--email", SECOND.email, "--password", SECOND.password]);
  expect(create.status).not.toBe(0);
  expect(create.out).toContain("the server is running with this data folder — stop it first, or set LATCHKEY_ADMIN_EMAIL/LATCHKEY_ADMIN_PASSWORD and restart");
  expect(create.out).not.toMatch(/created admin/);
  const migrate = npm("db:migrate");
  expect(migrate.status).not.toBe(0);
  expect(migrate.out).toContain("the server is running with this data folder — stop it first");
  expect(migrate.out).not.toMatch(/migrations applied/);

  // The live server was not disturbed.
  await signInAt(page, ADMIN);

  // Stopped, the folder is free: the command works, and the restarted server sees both accounts.
  await stopServer();
  expect(existsSync(`${DATA_DIR}.lock`), "the lock is given back on exit").toBe(false);
  const created = npm("admin:create", ["--email", SECOND.email, "--password", SECOND.password]);
  expect(created.out).toContain(`created admin ${SECOND.email}`);
  expect(created.status).toBe(0);
  await startServer();
  await page.context().clearCookies();
  await signInAt(page, ADMIN);
  await page.context().clearCookies();
  await signInAt(page, SECOND);
  await page.goto(`${BASE}/admin/accounts`);
  await expect(page.getByRole("heading", { name: "Accounts", exact: true })).toBeVisible();
});
