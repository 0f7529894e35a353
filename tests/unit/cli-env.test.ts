// The command-line tools read .env.local as the server does: `npm run db:migrate` run where a
// .env.local names another data folder migrates that folder, not the default one.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const dir = mkdtempSync(path.join(tmpdir(), "latchkey-cli-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("db:migrate takes the data folder from .env.local, and a variable already set wins over the file", { timeout: 60_000 }, () => {
  // A project folder of its own: its .env.local, and the migrations the command reads from the working directory.
  symlinkSync(path.join(ROOT, "db"), path.join(dir, "db"));
  const fromFile = path.join(dir, "from-file", "pglite");
  const fromShell = path.join(dir, "from-shell", "pglite");
  writeFileSync(path.join(dir, ".env.local"), `LATCHKEY_DATA_DIR=${fromFile}\n`);
  const run = (extra: Record<string, string>) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", TSX_TSCONFIG_PATH: path.join(ROOT, "tsconfig.json"), ...extra };
    delete env.DATABASE_URL;
    if (!extra.LATCHKEY_DATA_DIR) delete env.LATCHKEY_DATA_DIR;
    const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["--conditions=react-server", path.join(ROOT, "scripts", "migrate.ts")], {
      cwd: dir,
      env,
      encoding: "utf8",
      timeout: 50_000,
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  const first = run({});
  expect(first.out).toContain(`migrations applied (embedded, ${fromFile})`);
  expect(first.status).toBe(0);
  expect(existsSync(fromFile)).toBe(true);

  const second = run({ LATCHKEY_DATA_DIR: fromShell });
  expect(second.out).toContain(`migrations applied (embedded, ${fromShell})`);
  expect(existsSync(fromShell)).toBe(true);
});
