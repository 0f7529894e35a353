// Vitest: unit tests, and the integration suite run twice — on embedded PGlite and, when
// TEST_DATABASE_URL is set, on a real Postgres server (one fresh database per test file).
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const support = (file: string) => fileURLToPath(new URL(`./tests/support/${file}`, import.meta.url));

const integration = "tests/integration/**/*.test.ts";
// The lib-level attack cases run on both databases too; the HTTP-level ones are Playwright specs.
const security = "tests/security/**/*.test.ts";

const projects: TestProjectInlineConfiguration[] = [
  {
    extends: true,
    test: {
      name: "unit",
      include: ["tests/unit/**/*.test.ts"],
      setupFiles: [support("env.ts")],
    },
  },
  {
    extends: true,
    test: {
      name: "pglite",
      include: [integration, security],
      // Each test file runs in its own process with its own embedded database (see db-pglite.ts).
      globalSetup: [support("pglite-template.ts")],
      setupFiles: [support("env.ts"), support("db-pglite.ts"), support("db-hooks.ts")],
    },
  },
];

if (process.env.TEST_DATABASE_URL) {
  projects.push({
    extends: true,
    test: {
      name: "postgres",
      include: [integration, security],
      globalSetup: [support("postgres-cleanup.ts")],
      setupFiles: [support("env.ts"), support("db-postgres.ts"), support("db-hooks.ts")],
    },
  });
}

export default defineConfig({
  root,
  resolve: {
    alias: [
      // `server-only` throws outside Next's react-server condition; tests import lib modules directly.
      { find: /^server-only$/, replacement: support("server-only.ts") },
      { find: /^@\//, replacement: `${root}` },
    ],
  },
  test: {
    pool: "forks",
    // Vitest's default is cores − 1 (one worker on a 2-core machine), but integration files spend
    // most of their time waiting on Postgres, fake providers and timeouts: run a few more at once.
    maxWorkers: Math.min(availableParallelism() + 1, 6),
    // A fresh module graph and process state per file: env() and the db handle are per file.
    isolate: true,
    // A forgotten `.only` fails the run instead of silently skipping the rest.
    allowOnly: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    server: {
      deps: {
        // next-auth's ESM imports `next/server` without an extension, which Node's resolver refuses
        // (Next's own bundler allows it); let Vite resolve it (lib/action.ts → lib/auth/* → next-auth).
        inline: ["next-auth"],
      },
    },
    projects,
  },
});
