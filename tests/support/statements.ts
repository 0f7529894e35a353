// Counts the statements the app sends to the database: wraps the driver's query function of the
// process's one handle (PGlite's `query`, postgres.js's `unsafe`), and a transaction as its BEGIN and
// COMMIT plus what runs inside. Nothing of the app is replaced; only the driver is watched.
import { dbHandle } from "@/lib/db";

type Counter = { readonly statements: string[]; stop(): void };

type PgliteLike = {
  query: (...a: unknown[]) => Promise<unknown>;
  transaction: (cb: (tx: unknown) => Promise<unknown>) => Promise<unknown>;
};
type PostgresLike = {
  unsafe: (...a: unknown[]) => unknown;
  begin: (...a: unknown[]) => Promise<unknown>;
};

/** Starts counting; `statements` holds the SQL text of each, in order, until `stop()`. */
export function countStatements(): Counter {
  const handle = dbHandle();
  const client = (handle.db as unknown as { $client: unknown }).$client;
  const statements: string[] = [];
  const restore: Array<() => void> = [];
  const patch = <T extends object, K extends keyof T>(target: T, key: K, wrap: (orig: T[K]) => T[K]) => {
    const orig = target[key];
    target[key] = wrap(orig);
    restore.push(() => {
      target[key] = orig;
    });
  };
  if (handle.driver === "pglite") {
    const c = client as PgliteLike;
    const watchQuery = (target: PgliteLike) =>
      patch(target, "query", (orig) => (...a: unknown[]) => {
        statements.push(String(a[0]));
        return orig.apply(target, a);
      });
    watchQuery(c);
    patch(c, "transaction", (orig) => (cb) => {
      statements.push("begin");
      return orig
        .call(c, (tx) => {
          const t = tx as PgliteLike;
          const inner = t.query;
          t.query = (...a: unknown[]) => {
            statements.push(String(a[0]));
            return inner.apply(t, a);
          };
          return cb(tx);
        })
        .finally(() => statements.push("commit"));
    });
  } else {
    const c = client as PostgresLike;
    const watch = (sql: PostgresLike) => {
      const inner = sql.unsafe;
      sql.unsafe = (...a: unknown[]) => {
        statements.push(String(a[0]));
        return inner(...a);
      };
    };
    patch(c, "unsafe", (orig) => (...a: unknown[]) => {
      statements.push(String(a[0]));
      return orig(...a);
    });
    patch(c, "begin", (orig) => (...a: unknown[]) => {
      statements.push("begin");
      const cb = a[a.length - 1] as (tx: PostgresLike) => unknown;
      const rest = a.slice(0, -1);
      return orig(...rest, (tx: PostgresLike) => {
        watch(tx);
        return cb(tx);
      }).finally(() => statements.push("commit"));
    });
  }
  return {
    statements,
    stop() {
      while (restore.length) restore.pop()!();
    },
  };
}
