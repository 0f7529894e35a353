// Prepares the database of the load and fault tests before any server starts (run by
// tests/load/run.mjs and tests/faults/run.mjs with tsx):
//   `tsx --conditions=react-server tests/load/seed.ts --account check-a@load.local --password '…'`
// Applies the migrations, sets the sign-up and two-step settings the scenarios exercise, creates
// the given accounts (email confirmed, created after the settings so they get 2FA by default) and
// prints the app's limits as one JSON line (`limits {…}`) so the checks compare against the source.
import { parseArgs } from "node:util";
import { closeDb } from "@/lib/db";
import { migrateDatabase } from "@/lib/db";
import { createAccountByAdmin } from "@/lib/accounts/admin";
import { LIMITS } from "@/lib/limits/catalogue";
import { getSettings, updateSettings } from "@/lib/settings";

async function main() {
  const { values } = parseArgs({
    options: { account: { type: "string", multiple: true }, password: { type: "string" } },
  });
  await migrateDatabase();
  // Confirmation by email, automatic activation, 2FA on and required in the Web app for new
  // accounts, email codes only.
  const account = await getSettings("account");
  await updateSettings("account", { ...account, confirmationMode: "email", automaticActivation: true }, null);
  const twoFactor = await getSettings("twoFactor");
  await updateSettings(
    "twoFactor",
    // The master switch belongs to this section (the account section's schema drops unknown keys).
    { ...twoFactor, enable2fa: true, allowedMethods: ["email"], deliveryPolicy: "email_only", defaultWeb: true, defaultMethod: "email" },
    null,
  );
  for (const email of values.account ?? []) {
    if (!values.password) throw new Error("--account needs --password");
    await createAccountByAdmin({ name: "Load Check", email, password: values.password, emailConfirmed: true, actorId: null });
  }
  console.log(`limits ${JSON.stringify({ signInPerIdentifier: LIMITS.signInPerIdentifier("") })}`);
  await closeDb();
}

main().catch(async (err) => {
  console.error(err instanceof Error ? err.message : err);
  await closeDb().catch(() => {});
  process.exit(1);
});
