// postgres project: a fresh database on the TEST_DATABASE_URL server for each test file, so files
// run in parallel and no run sees another's data. Dropped again after the file.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll } from "vitest";
import { testDatabaseName } from "./postgres-cleanup";

const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl) throw new Error("the postgres test project needs TEST_DATABASE_URL");

const name = testDatabaseName(randomBytes(5).toString("hex"));
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);

const url = new URL(serverUrl);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();
delete process.env.LATCHKEY_DATA_DIR;

// Registered before db-hooks.ts's afterAll; Vitest runs afterAll hooks in reverse order, so the
// app's connections are closed before the database is dropped.
afterAll(async () => {
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
});
