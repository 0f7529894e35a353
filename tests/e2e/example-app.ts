// The example app of examples/next-app (next-auth signing in with Latchkey), built and started for the
// end-to-end tests from the repository's own node_modules: no second install. The build is reused
// while the example's sources and Next's version are unchanged.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const APP = path.join(ROOT, "examples", "next-app");
const DIST = ".next-e2e";
const NEXT = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const STAMP = path.join(APP, DIST, "latchkey-sources.sha256");

// Another host than Latchkey's (localhost), so the two apps' cookies never mix, as on two real sites.
// rp.localhost is loopback for Chromium (RFC 6761); not 127.0.0.1, which Next's request URLs turn
// into "localhost" — next-auth would then build a redirect URI other than the registered one.
export const EXAMPLE_PORT = Number(process.env.E2E_EXAMPLE_PORT || 3211);
export const EXAMPLE_URL = `http://rp.localhost:${EXAMPLE_PORT}`;

function sourcesHash(): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith(".next") || name === "node_modules" || name === "next-env.d.ts") continue;
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else h.update(path.relative(APP, full)).update("\0").update(readFileSync(full)).update("\0");
    }
  };
  walk(APP);
  h.update(readFileSync(path.join(ROOT, "node_modules", "next", "package.json")));
  return h.digest("hex");
}

/**
 * Builds the example unless an up-to-date build exists. Webpack, not Turbopack: Turbopack takes the
 * repository (where the lockfile is) as its root and would pick up Latchkey's own instrumentation.
 */
export function buildExampleApp() {
  const hash = sourcesHash();
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === hash) return;
  execFileSync(process.execPath, [NEXT, "build", "--webpack"], {
    cwd: APP,
    stdio: "pipe",
    env: { ...process.env, NODE_ENV: "production", EXAMPLE_DIST_DIR: DIST, EXAMPLE_SKIP_TYPECHECK: "1", NEXT_TELEMETRY_DISABLED: "1" },
    timeout: 600_000,
  });
  writeFileSync(STAMP, hash);
}

export type ExampleApp = { url: string; stop: () => Promise<void>; output: () => string };

/** Starts the built example with the client registered in Latchkey; resolves once it answers. */
export async function startExampleApp(opts: { issuer: string; clientId: string; clientSecret: string }): Promise<ExampleApp> {
  let log = "";
  const child: ChildProcess = spawn(process.execPath, [NEXT, "start", "-p", String(EXAMPLE_PORT), "-H", "127.0.0.1"], {
    cwd: APP,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      EXAMPLE_DIST_DIR: DIST,
      NEXT_TELEMETRY_DISABLED: "1",
      AUTH_SECRET: randomBytes(33).toString("base64url"),
      // The app's public address: next-auth builds its redirect URI from it (the registered one).
      AUTH_URL: `${EXAMPLE_URL}/api/auth`,
      LATCHKEY_ISSUER: opts.issuer,
      LATCHKEY_CLIENT_ID: opts.clientId,
      LATCHKEY_CLIENT_SECRET: opts.clientSecret,
      // This process is the example app, not Latchkey: none of Latchkey's settings apply to it.
      DATABASE_URL: "",
    },
  });
  child.stdout!.on("data", (d) => (log += String(d)));
  child.stderr!.on("data", (d) => (log += String(d)));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the example app exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`http://127.0.0.1:${EXAMPLE_PORT}/`, { redirect: "manual" });
      if (res.status < 500) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the example app did not answer within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url: EXAMPLE_URL, stop, output: () => log };
}
