// globalSetup of the pglite project. A fresh PGlite spends most of its start-up in initdb (5–35 s
// on a busy 2-core machine, against ~1.5 s to open an existing folder), so the database is prepared
// once: initdb plus db/migrations, applied with the same drizzle migrator db/migrate.ts uses. The
// result is kept as a template in /dev/shm (or the OS temp folder), reused across runs while the
// PGlite version and the migration files are unchanged; each test file opens its own copy
// (db-pglite.ts) and still calls migrateDatabase(), which then finds nothing to apply.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

const require = createRequire(import.meta.url);
// RAM-backed /dev/shm where there is one (Linux): the copies are written and dropped per file.
const root = path.join(existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "latchkey-tests");

function pgliteVersion(): string {
  const pkgPath = path.join(path.dirname(require.resolve("@electric-sql/pglite")), "..", "package.json");
  return (JSON.parse(readFileSync(pkgPath, "utf8")) as { version: string }).version;
}

function migrationsHash(folder: string): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else h.update(path.relative(folder, full)).update("\0").update(readFileSync(full)).update("\0");
    }
  };
  walk(folder);
  return h.digest("hex").slice(0, 12);
}

async function buildTemplate(template: string, migrationsFolder: string) {
  mkdirSync(root, { recursive: true });
  const building = path.join(root, `building-${process.pid}-${Date.now()}`);
  mkdirSync(building);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    const client = new PGlite(path.join(building, "data"));
    await migrate(drizzle(client), { migrationsFolder });
    await client.close();
    writeFileSync(path.join(building, "data", ".complete"), new Date().toISOString());
    try {
      renameSync(path.join(building, "data"), template);
    } catch {
      // Another run finished the same template first; either copy will do.
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  if (!existsSync(path.join(template, ".complete"))) throw new Error(`PGlite template not created at ${template}`);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Removes database copies of test processes that died before their afterAll (killed runs). */
function removeOrphans() {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const m = /^(?:db|building)-(\d+)-/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(path.join(root, name), { recursive: true, force: true });
  }
}

/** Removes templates of other PGlite versions or migration sets once unused for a day. */
function removeStaleTemplates(keep: string) {
  for (const name of readdirSync(root)) {
    const full = path.join(root, name);
    if (!name.startsWith("pglite-") || full === keep) continue;
    if (Date.now() - statSync(full).mtimeMs > 86_400_000) rmSync(full, { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject) {
  removeOrphans();
  const migrationsFolder = path.join(project.config.root, "db", "migrations");
  const template = path.join(root, `pglite-${pgliteVersion()}-${migrationsHash(migrationsFolder)}`);
  if (!existsSync(path.join(template, ".complete"))) {
    rmSync(template, { recursive: true, force: true });
    await buildTemplate(template, migrationsFolder);
  }
  const now = new Date();
  utimesSync(template, now, now);
  removeStaleTemplates(template);
  project.provide("pgliteTemplate", template);
}

/** Copies the template into a new folder for one test file; returns the data dir and a cleanup. */
export function clonePgliteTemplate(template: string) {
  const dir = path.join(root, `db-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const dataDir = path.join(dir, "pglite");
  mkdirSync(dir, { recursive: true });
  cpSync(template, dataDir, { recursive: true, filter: (src) => path.basename(src) !== ".complete" });
  return { dataDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
