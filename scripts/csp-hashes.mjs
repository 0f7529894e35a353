#!/usr/bin/env node
// After `next build`: the sha256 hashes of the inline scripts of every page prerendered at build time,
// by path, for those pages' Content-Security-Policy (lib/csp.ts, proxy.ts). Next adds build-derived
// details to a prerendered page when it serves it, so the hashes are taken from the page as the built
// server serves it (started here on a free port, with no database), not from the file on disk. The
// page is the same for every request until the next build — as long as nothing revalidates it at run
// time (no revalidatePath("/", "layout"): a regenerated page would carry other scripts than these
// hashes); pages rendered on request use a nonce.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const distDir = process.env.NEXT_DIST_DIR || ".next";
const appDir = path.join(root, distDir, "server", "app");
if (!existsSync(appDir)) {
  console.error(`csp-hashes: ${appDir} not found: run next build first`);
  process.exit(1);
}

/** Prerendered pages: `server/app/**.html`, but for Next's own fallbacks (app/[...missing] renders 404s). */
function prerenderedRoutes(dir = appDir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) prerenderedRoutes(full, out);
    else if (name.endsWith(".html")) {
      const rel = path.relative(appDir, full).replace(/\\/g, "/").replace(/\.html$/, "");
      if (!rel.startsWith("_")) out.push(rel === "index" ? "/" : `/${rel.replace(/\/index$/, "")}`);
    }
  }
  return out;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;
const hashesOf = (html) => [...new Set([...html.matchAll(SCRIPT)].map((m) => `sha256-${createHash("sha256").update(m[1], "utf8").digest("base64")}`))];

const routes = prerenderedRoutes();
const pages = {};
if (routes.length) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  // Nothing of the deployment's own: no first admin to create, no database to open.
  for (const name of ["LATCHKEY_ADMIN_EMAIL", "LATCHKEY_ADMIN_PASSWORD", "DATABASE_URL"]) delete env[name];
  const server = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: distDir,
      AUTH_SECRET: process.env.AUTH_SECRET || randomBytes(33).toString("base64url"),
      LATCHKEY_BASE_URL: base,
      // Prerendered pages need no database: nothing is opened or migrated.
      LATCHKEY_DATA_DIR: "memory://",
      LATCHKEY_SKIP_MIGRATIONS: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  server.stdout.on("data", (d) => (log += d));
  server.stderr.on("data", (d) => (log += d));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the server exited:\n${log.slice(-3000)}`);
      try {
        const status = (await fetch(`${base}/`)).status;
        if (status < 500) break;
        throw new Error(`GET / answered ${status}:\n${log.slice(-3000)}`);
      } catch (err) {
        // Not listening yet; any other answer is final.
        if (!(err instanceof TypeError)) throw err;
      }
      if (Date.now() > deadline) throw new Error(`the server did not answer within 60 s:\n${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const route of routes) {
      const res = await fetch(`${base}${route}`);
      if (res.status !== 200) throw new Error(`GET ${route} answered ${res.status}`);
      pages[route] = hashesOf(await res.text());
    }
  } finally {
    server.kill("SIGTERM");
  }
}
const out = path.join(root, distDir, "csp-static-pages.json");
writeFileSync(out, JSON.stringify(pages, null, 2));
console.log(`csp-hashes: ${Object.keys(pages).length} prerendered page(s) → ${path.relative(root, out)}`);
