// `npm run db:migrate`: applies pending migrations and exits (for deploy pipelines). With the embedded
// database it refuses to run while a server holds the data folder (the server migrates at start-up).
import "./load-env";
import { closeDb } from "@/lib/db";
import { DataFolderInUseError } from "@/db/data-folder-lock";
import { migrateDatabase } from "@/lib/db";
import { env } from "@/lib/env";

async function main() {
  const e = env();
  await migrateDatabase();
  await closeDb();
  console.log(`migrations applied (${e.DATABASE_URL ? "postgres" : `embedded, ${e.LATCHKEY_DATA_DIR}`})`);
}

main().catch(async (err) => {
  if (err instanceof DataFolderInUseError) console.error(`${err.message} The server applies migrations itself when it starts.`);
  else console.error("migration failed:", err instanceof Error ? err.message : err);
  await closeDb().catch(() => {});
  process.exit(1);
});
