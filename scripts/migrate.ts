// `npm run db:migrate`: applies pending migrations and exits (for deploy pipelines).
import { closeDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { env } from "@/lib/env";

async function main() {
  const e = env();
  await migrateDatabase();
  console.log(`migrations applied (${e.DATABASE_URL ? "postgres" : `embedded, ${e.LATCHKEY_DATA_DIR}`})`);
  await closeDb();
}

main().catch((err) => {
  console.error("migration failed:", err instanceof Error ? err.message : err);
  process.exit(1);
});
