import "server-only";
// The process's one database handle, opened on first use from the environment (db/client.ts opens it).
import { openDatabase, type Db, type DbHandle } from "@/db/client";
import { applyMigrations } from "@/db/migrate";
import { env } from "@/lib/env";

export type { Db, Within } from "@/db/client";

const g = globalThis as unknown as { __latchkeyDb?: DbHandle; __latchkeyMigrated?: Promise<void> };

export function dbHandle(): DbHandle {
  if (!g.__latchkeyDb) {
    const { DATABASE_URL, LATCHKEY_DATA_DIR } = env();
    g.__latchkeyDb = openDatabase({ databaseUrl: DATABASE_URL, dataDir: LATCHKEY_DATA_DIR });
  }
  return g.__latchkeyDb;
}

export async function closeDb() {
  const h = g.__latchkeyDb;
  g.__latchkeyDb = undefined;
  if (h) await h.close();
}

// `db` resolves the handle on first use, so importing a module never opens a connection.
export const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const real = dbHandle().db as unknown as Record<PropertyKey, unknown>;
    const value = real[prop];
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
});

/** Applies pending migrations once per process; a failure is not cached, so the next call retries. */
export function migrateDatabase(): Promise<void> {
  if (!g.__latchkeyMigrated) {
    g.__latchkeyMigrated = applyMigrations(dbHandle(), env().DATABASE_URL).catch((err) => {
      g.__latchkeyMigrated = undefined;
      throw err;
    });
  }
  return g.__latchkeyMigrated;
}
