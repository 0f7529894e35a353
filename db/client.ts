import "server-only";
// The one database handle: embedded PGlite when DATABASE_URL is unset, postgres.js when it is set.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { lockDataFolder } from "./data-folder-lock";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * What a consumed code, key or recovery code unlocks, written with `q` inside the transaction that
 * consumes it: a failure there leaves the code unconsumed. Only `q` may be used inside (the embedded
 * database has one connection: a query on `db` there would wait for the transaction forever).
 */
export type Within = (q: Db) => Promise<void>;

type Handle = { db: Db; driver: "pglite" | "postgres"; close: () => Promise<void> };

const g = globalThis as unknown as { __latchkeyDb?: Handle };

function open(): Handle {
  const { DATABASE_URL, LATCHKEY_DATA_DIR } = env();
  if (DATABASE_URL) {
    // Loaded lazily so a PGlite-only install never opens a socket.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const postgres = require("postgres") as typeof import("postgres");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require("@electric-sql/pglite") as typeof import("@electric-sql/pglite");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
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

export function dbHandle(): Handle {
  if (!g.__latchkeyDb) g.__latchkeyDb = open();
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
