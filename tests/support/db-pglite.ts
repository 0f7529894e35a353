// pglite project: each test file gets its own embedded database in a fresh folder, copied from the
// migrated template made by pglite-template.ts (db-hooks.ts still runs migrateDatabase(), which
// then finds nothing to apply). LATCHKEY_TEST_PGLITE=memory uses memory:// instead: the same
// isolation, since each file runs in its own process, but initdb and migrations run for every file.
import { afterAll, inject } from "vitest";
import { clonePgliteTemplate } from "./pglite-template";

delete process.env.DATABASE_URL;

if (process.env.LATCHKEY_TEST_PGLITE === "memory") {
  process.env.LATCHKEY_DATA_DIR = "memory://";
} else {
  const clone = clonePgliteTemplate(inject("pgliteTemplate"));
  process.env.LATCHKEY_DATA_DIR = clone.dataDir;
  // Registered before db-hooks.ts's afterAll, so it runs after closeDb() (hooks run in reverse).
  afterAll(() => clone.remove());
}
