// Integration setup shared by both database projects: migrate before the file, close after it.
import { afterAll, afterEach, beforeAll } from "vitest";
import { closeDb } from "@/lib/db";
import { migrateDatabase } from "@/lib/db";
import { deliveriesSettled } from "@/lib/delivery/deferred";

beforeAll(async () => {
  await migrateDatabase();
});

// Messages sent after an answer (lib/background.ts) finish within the test that caused them.
afterEach(async () => {
  await deliveriesSettled();
});

afterAll(async () => {
  await deliveriesSettled();
  await closeDb();
  // db/migrate.ts remembers "migrated" per process; forget it with the handle it belonged to.
  delete (globalThis as { __latchkeyMigrated?: unknown }).__latchkeyMigrated;
});
