import "server-only";
// The one reader of process.env: validated once, typed, documented in .env.example.
import { z } from "zod";

const bool = z
  .string()
  .optional()
  .transform((v) => v === "1" || v === "true");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  LATCHKEY_DATA_DIR: z.string().default(".data/pglite"),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
  LATCHKEY_BASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().positive().default(3000),
  LATCHKEY_ADMIN_EMAIL: z.string().email().optional(),
  LATCHKEY_ADMIN_PASSWORD: z.string().optional(),
  LATCHKEY_DEV_OUTBOX: bool,
  LATCHKEY_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  LATCHKEY_SKIP_MIGRATIONS: bool,
  RESEND_API_KEY: z.string().optional(),
  RESEND_BASE_URL: z.string().url().optional(),
  LATCHKEY_EMAIL_FROM: z.string().default("Latchkey <no-reply@latchkey.local>"),
  LATCHKEY_EMAIL_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  LATCHKEY_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // SMS providers (S1–S4). Credentials set here pin the provider's settings (shown "set by environment").
  LATCHKEY_SMS_PROVIDER: z.enum(["outbox", "twilio", "clickatell", "twofactor"]).optional(),
  LATCHKEY_SMS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  TWILIO_BASE_URL: z.string().url().optional(),
  CLICKATELL_API_KEY: z.string().optional(),
  CLICKATELL_FROM: z.string().optional(),
  CLICKATELL_BASE_URL: z.string().url().optional(),
  TWOFACTOR_API_KEY: z.string().optional(),
  TWOFACTOR_SENDER_ID: z.string().optional(),
  TWOFACTOR_TEMPLATE: z.string().optional(),
  TWOFACTOR_BASE_URL: z.string().url().optional(),
  // Rate limits in Upstash Redis when both are set; otherwise in Postgres (O2).
  UPSTASH_REDIS_REST_URL: z.string().url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  UPSTASH_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  // Guards GET /api/cron/daily (Authorization: Bearer <CRON_SECRET>); unset, the route answers 503.
  CRON_SECRET: z.string().min(16).optional(),
});

export type Env = z.infer<typeof schema> & { baseUrl: string; outboxEnabled: boolean; secret: string };

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${lines}`);
  }
  const e = parsed.data;
  const secret = e.AUTH_SECRET ?? (e.NODE_ENV === "production" ? undefined : "latchkey-development-secret-not-for-production-use");
  if (!secret) throw new Error("AUTH_SECRET is required in production (generate one with: openssl rand -base64 33)");
  cached = {
    ...e,
    secret,
    baseUrl: (e.LATCHKEY_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    outboxEnabled: e.NODE_ENV === "development" || e.LATCHKEY_DEV_OUTBOX,
  };
  return cached;
}
