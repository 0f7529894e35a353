import "server-only";
// Start-up work of a server process: migrations (unless the deploy pipeline runs them), the OpenID
// Provider's signing keys and the first admin.
import { migrateDatabase } from "@/lib/db";
import { ensureAdmin } from "@/lib/accounts/admin";
import { env } from "./env";
import { ensureKeys } from "./oidc/keys";

export async function boot() {
  const e = env();
  if (!e.LATCHKEY_SKIP_MIGRATIONS) {
    const started = Date.now();
    await migrateDatabase();
    console.log(`latchkey: database ready (${e.DATABASE_URL ? "postgres" : `embedded, ${e.LATCHKEY_DATA_DIR}`}) in ${Date.now() - started} ms`);
    // The OpenID Provider's signing keys exist before the first app asks for them. When the deploy
    // migrates on its own, the schema may not be there yet: the provider makes them on first use.
    await ensureKeys();
  }
  const adminId = await ensureAdmin(e.LATCHKEY_ADMIN_EMAIL, e.LATCHKEY_ADMIN_PASSWORD);
  if (adminId) console.log(`latchkey: created the first admin ${e.LATCHKEY_ADMIN_EMAIL}`);
  if (e.outboxEnabled) console.log(`latchkey: development outbox at ${e.baseUrl}/dev/outbox`);
}
