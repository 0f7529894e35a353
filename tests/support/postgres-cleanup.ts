// globalSetup of the postgres project: drops test databases left behind by runs that were killed
// before their afterAll (names carry their creation time; only ones older than 6 hours go, so
// concurrent runs never lose their databases).
import postgres from "postgres";

export const TEST_DB_PREFIX = "lk_test_";
const MAX_AGE_MS = 6 * 3600_000;

/** A database name that says when it was made: lk_test_<base36 ms>_<random>. */
export const testDatabaseName = (random: string) => `${TEST_DB_PREFIX}${Date.now().toString(36)}_${random}`;

export default async function setup() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${`${TEST_DB_PREFIX}%`}`;
    for (const { datname } of rows) {
      const made = parseInt(datname.slice(TEST_DB_PREFIX.length).split("_")[0] ?? "", 36);
      if (Number.isFinite(made) && Date.now() - made > MAX_AGE_MS && /^[a-z0-9_]+$/.test(datname)) {
        await sql.unsafe(`drop database if exists "${datname}" with (force)`);
      }
    }
  } finally {
    await sql.end();
  }
}
