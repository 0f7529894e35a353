import "server-only";
// Opening a database from the configuration it is given: embedded PGlite, or postgres.js for a server URL.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { lockDataFolder } from "./data-folder-lock";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * What a consumed code, key or recovery code unlocks, written with `q` inside the transaction that
 * consumes it: a failure there leaves the code unconsumed. Only `q` may be used inside (the embedded
 * database has one connection: a query on `db` there would wait for the transaction forever).
 */
export type Within = (q: Db) => Promise<void>;

export type DbHandle = { db: Db; driver: "pglite" | "postgres"; close: () => Promise<void> };

/** Where the data lives: a Postgres server's URL, or else the embedded database's folder (or `memory://`). */
export type DbConfig = { databaseUrl?: string; dataDir: string };

/** Opens a database; the caller keeps the handle (lib/db.ts keeps the process's one). */
export function openDatabase({ databaseUrl: DATABASE_URL, dataDir: LATCHKEY_DATA_DIR }: DbConfig): DbHandle {
  if (DATABASE_URL) {
    // Loaded lazily so a PGlite-only install never opens a socket.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for the driver in use
    const postgres = require("postgres") as typeof import("postgres");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for the driver in use
    const { drizzle } = require("drizzle-orm/postgres-js") as typeof import("drizzle-orm/postgres-js");
    const sql = postgres(DATABASE_URL, {
      max: 10,
      idle_timeout: 30,
      connect_timeout: 10,
      onnotice: () => {},
      // postgres.js waits up to 20 s before reconnecting once several pool connections have failed
      // (a server restart closes them all at once); retry within a second instead.
      backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1),
    });
    return { db: drizzle(sql, { schema }) as unknown as Db, driver: "postgres", close: () => sql.end() };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for the driver in use
  const { PGlite } = require("@electric-sql/pglite") as typeof import("@electric-sql/pglite");
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for the driver in use
  const { drizzle } = require("drizzle-orm/pglite") as typeof import("drizzle-orm/pglite");
  let dataDir = LATCHKEY_DATA_DIR;
  let release = () => {};
  if (!dataDir.startsWith("memory://")) {
    dataDir = path.resolve(dataDir);
    // PGlite creates only the last path segment itself.
    mkdirSync(path.dirname(dataDir), { recursive: true });
    // Two processes writing one data folder corrupt it: the second one is refused instead.
    release = lockDataFolder(dataDir);
  }
  const client = new PGlite(dataDir);
  return {
    db: drizzle(client, { schema }) as unknown as Db,
    driver: "pglite",
    close: async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}
