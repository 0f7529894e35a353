// `npm run admin:create -- --email you@example.com --password '…' [--name 'Your Name']`
// Creates an admin account, or makes an existing account an admin. With the embedded database it
// refuses to run while a server holds the data folder (db/data-folder-lock.ts).
import "./load-env";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { closeDb, db } from "@/lib/db";
import { DataFolderInUseError } from "@/db/data-folder-lock";
import { migrateDatabase } from "@/lib/db";
import { users } from "@/db/schema";
import { createAccountByAdmin } from "@/lib/accounts/admin";
import { findUserByEmail } from "@/lib/accounts/queries";
import { audit } from "@/lib/audit";
import { SYSTEM_ACTOR } from "@/lib/audit/actions";
import { UserError } from "@/lib/shared/errors";

async function main() {
  const { values } = parseArgs({
    options: { email: { type: "string" }, password: { type: "string" }, name: { type: "string", default: "Administrator" } },
  });
  if (!values.email) throw new UserError("INVALID_INPUT", "--email is required");
  await migrateDatabase();
  const existing = await findUserByEmail(values.email);
  if (existing) {
    await db.update(users).set({ isAdmin: true }).where(eq(users.id, existing.id));
    await audit({ action: "account.made_admin", userId: existing.id, actorId: SYSTEM_ACTOR, detail: { source: "cli" } });
    await closeDb();
    console.log(`${existing.email} is now an admin`);
  } else {
    if (!values.password) throw new UserError("INVALID_INPUT", "--password is required for a new account");
    const u = await createAccountByAdmin({
      name: values.name!,
      email: values.email,
      password: values.password,
      emailConfirmed: true,
      isAdmin: true,
      actorId: SYSTEM_ACTOR,
    });
    // Success is reported only once the database has been closed cleanly.
    await closeDb();
    console.log(`created admin ${u.email}`);
  }
}

main().catch(async (err) => {
  console.error(err instanceof UserError || err instanceof DataFolderInUseError ? err.message : err);
  await closeDb().catch(() => {});
  process.exit(1);
});
