#!/usr/bin/env node
// After `next build`: the sha256 hashes of the inline scripts of every page prerendered at build time,
// by path, for those pages' Content-Security-Policy (lib/csp.ts, proxy.ts). Next adds build-derived
// details to a prerendered page when it serves it, so the hashes are taken from the page as the built
// server serves it (started here on a free port, with no database), not from the file on disk. The
// page is the same for every request until the next build — as long as nothing revalidates it at run
// time (no revalidatePath("/", "layout"): a regenerated page would carry other scripts than these
// hashes); pages rendered on request use a nonce.
//
// proxy.ts does not run for the home page ("/"): its policy is the header next.config.mjs sets for it,
// into which this script writes, in the built routes manifest, the policy proxy.ts sends with a page
// rendered on request (taken from the running server, so lib/csp.ts stays the one source) with the
// page's hashes in place of the nonce. The build fails here if "/" is no longer prerendered.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
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
      const rel = path
        .relative(appDir, full)
        .replace(/\\/g, "/")
        .replace(/\.html$/, "");
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
let dynamicPolicy = null;
// Pages proxy.ts's matcher leaves out: they must be prerendered, or they would get no nonce.
const OUTSIDE_PROXY = ["/"];
for (const route of OUTSIDE_PROXY) {
  if (!routes.includes(route)) {
    console.error(`csp-hashes: ${route} is not prerendered any more; proxy.ts's matcher leaves it out, so it would get no nonce: match it there again`);
    process.exit(1);
  }
}
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
    // A page rendered on request (a 404 needs no database): the policy proxy.ts sends.
    dynamicPolicy = (await fetch(`${base}/csp-hashes-${randomBytes(6).toString("hex")}`)).headers.get("content-security-policy");
    if (!dynamicPolicy || !/script-src 'nonce-/.test(dynamicPolicy))
      throw new Error(`a page rendered on request came without its nonce policy: ${dynamicPolicy}`);
  } finally {
    server.kill("SIGTERM");
  }
}
const out = path.join(root, distDir, "csp-static-pages.json");
writeFileSync(out, JSON.stringify(pages, null, 2));

// The fixed header of the pages answered without proxy.ts, in the manifest `next start` reads.
const manifestFile = path.join(root, distDir, "routes-manifest.json");
const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
for (const route of OUTSIDE_PROXY) {
  const policy = dynamicPolicy.replace(/script-src [^;]*/, `script-src 'self' ${pages[route].map((h) => `'${h}'`).join(" ")}`);
  const entries = manifest.headers.filter((h) => h.source === route && !h.has && h.headers.some((x) => x.key === "Content-Security-Policy"));
  if (entries.length !== 1) {
    console.error(`csp-hashes: next.config.mjs sets no Content-Security-Policy header for ${route}`);
    process.exit(1);
  }
  for (const x of entries[0].headers) if (x.key === "Content-Security-Policy") x.value = policy;
}
writeFileSync(manifestFile, JSON.stringify(manifest));
console.log(`csp-hashes: ${Object.keys(pages).length} prerendered page(s) → ${path.relative(root, out)}`);
