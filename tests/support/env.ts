// Environment for every test file, set before any lib module calls env() (which caches it).
// NODE_ENV is typed read-only (Next), but it is an ordinary variable here.
(process.env as Record<string, string | undefined>).NODE_ENV = "test";
process.env.AUTH_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
process.env.LATCHKEY_DEV_OUTBOX = "1";
process.env.LATCHKEY_BASE_URL = "http://latchkey.test";
// Nothing from the developer's shell may redirect tests to a real provider or database.
for (const name of [
  "RESEND_API_KEY",
  "RESEND_BASE_URL",
  "LATCHKEY_EMAIL_FROM",
  "LATCHKEY_EMAIL_TIMEOUT_MS",
  "LATCHKEY_TRUST_PROXY",
  "LATCHKEY_SKIP_MIGRATIONS",
  "LATCHKEY_ADMIN_EMAIL",
  "LATCHKEY_ADMIN_PASSWORD",
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
]) {
  delete process.env[name];
}
