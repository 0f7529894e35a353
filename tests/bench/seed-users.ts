// Creates the sign-in benchmark's accounts before the server starts (run by tests/bench/run.mjs).
// `tsx --conditions=react-server tests/bench/seed-users.ts --prefix bench-ok --count 100 --password '…'`
// Uses the same database as the server will (DATABASE_URL, or LATCHKEY_DATA_DIR for PGlite) and
// closes it before exiting, so the embedded database's single-process lock is free for `next start`.
import { parseArgs } from "node:util";
import { closeDb } from "@/lib/db";
import { migrateDatabase } from "@/lib/db";
import { createAccountByAdmin } from "@/lib/accounts/admin";

async function main() {
  const { values } = parseArgs({
    options: {
      prefix: { type: "string", multiple: true },
      count: { type: "string" },
      password: { type: "string" },
    },
  });
  const prefixes = values.prefix ?? [];
  const count = Number(values.count);
  if (!prefixes.length || !Number.isInteger(count) || count < 1 || !values.password) {
    throw new Error("usage: seed-users.ts --prefix NAME [--prefix NAME…] --count N --password PW");
  }
  // The server then starts with LATCHKEY_SKIP_MIGRATIONS=1, as behind a deploy pipeline.
  await migrateDatabase();
  const started = Date.now();
  const emails = prefixes.flatMap((p) => Array.from({ length: count }, (_, i) => `${p}-${i}@bench.local`));
  // A few at a time: each account costs one argon2id hash, which lib/passwords bounds anyway.
  for (let i = 0; i < emails.length; i += 8) {
    await Promise.all(
      emails
        .slice(i, i + 8)
        .map((email) => createAccountByAdmin({ name: "Bench User", email, password: values.password!, emailConfirmed: true, actorId: null })),
    );
  }
  console.log(`seeded ${emails.length} accounts in ${Date.now() - started} ms`);
  await closeDb();
}

main().catch(async (err) => {
  console.error(err instanceof Error ? err.message : err);
  await closeDb().catch(() => {});
  process.exit(1);
});
