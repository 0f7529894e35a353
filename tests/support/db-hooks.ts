// Integration setup shared by both database projects: migrate before the file, close after it.
import { afterAll, beforeAll } from "vitest";
import { closeDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";

beforeAll(async () => {
  await migrateDatabase();
});

afterAll(async () => {
  await closeDb();
  // db/migrate.ts remembers "migrated" per process; forget it with the handle it belonged to.
  delete (globalThis as { __latchkeyMigrated?: unknown }).__latchkeyMigrated;
});
