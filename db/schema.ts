// Drizzle tables of Latchkey: accounts, sessions, one-time codes, settings, outbox, audit log, limits, OpenID Provider.
import { sql } from "drizzle-orm";
import { bigint, bigserial, customType, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    // Lower-cased, trimmed. Null for phone-only accounts.
    email: text("email"),
    emailVerifiedAt: ts("email_verified_at"),
    // E.164.
    phone: text("phone"),
    phoneVerifiedAt: ts("phone_verified_at"),
    passwordHash: text("password_hash"),
    status: text("status", { enum: ["active", "pending", "blocked"] })
      .notNull()
      .default("active"),
    isAdmin: boolean("is_admin").notNull().default(false),
    canChangePassword: boolean("can_change_password").notNull().default(true),
    canReceiveSms: boolean("can_receive_sms").notNull().default(true),
    createdAt: ts("created_at").notNull().defaultNow(),
    activatedAt: ts("activated_at"),
    // A3: when the activation letter went out (once per account).
    activationLetterSentAt: ts("activation_letter_sent_at"),
    blockedAt: ts("blocked_at"),
    lastActiveAt: ts("last_active_at"),
    // Per-user 2FA (T6): required in the Web app and/or the Manager app; set from the defaults at creation.
    twoFactorWeb: boolean("two_factor_web").notNull().default(false),
    twoFactorManager: boolean("two_factor_manager").notNull().default(false),
    // Chosen methods (T1): "sms" | "email" | "totp" | "webauthn".
    primaryMethod: text("primary_method"),
    backupMethod: text("backup_method"),
    // TOTP secret sealed with AES-256-GCM, and the last accepted time step (no replay).
    totpSecret: text("totp_secret"),
    totpPendingSecret: text("totp_pending_secret"),
    totpLastStep: bigint("totp_last_step", { mode: "number" }),
    // Email used for 2FA codes once confirmed by a code.
    twoFactorEmailConfirmedAt: ts("two_factor_email_confirmed_at"),
    // A9: the day (UTC, YYYY-MM-DD) from which the account is blocked, set by an admin; and the
    // user's choice to be told by email during the 5 days before it.
    blockOn: date("block_on", { mode: "string" }),
    notifyBlocking: boolean("notify_blocking").notNull().default(true),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    uniqueIndex("users_confirmed_phone_key")
      .on(t.phone)
      .where(sql`${t.phoneVerifiedAt} is not null`),
    index("users_created_at_idx").on(t.createdAt),
    // The daily job's blocking notices (A9) and the admin look-ups: few rows, so partial indexes.
    index("users_block_on_idx")
      .on(t.blockOn)
      .where(sql`${t.blockOn} is not null`),
    index("users_admin_idx")
      .on(t.id)
      .where(sql`${t.isAdmin}`),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    // HMAC-SHA-256 of the session token; the token itself lives only in the browser's cookie.
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: ts("created_at").notNull().defaultNow(),
    // When the session was handed to the browser (its cookie is set in the answer that writes the row).
    boundAt: ts("bound_at"),
    lastActiveAt: ts("last_active_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
    userAgent: text("user_agent"),
    ip: text("ip"),
    // How the session was opened ("password", "sms_code", "webauthn", …) and when a second factor passed.
    method: text("method"),
    secondFactorAt: ts("second_factor_at"),
  },
  // expires_at: the daily job prunes ended sessions in batches, oldest first.
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const codes = pgTable(
  "codes",
  {
    id: text("id").primaryKey(),
    purpose: text("purpose").notNull(),
    // What the code proves control of: an email address, a phone number or a user id.
    target: text("target").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    // Emailed links carry a long token instead of the short code; both unlock the same row.
    linkHash: text("link_hash"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    consumedAt: ts("consumed_at"),
  },
  (t) => [
    index("codes_purpose_target_idx").on(t.purpose, t.target),
    uniqueIndex("codes_link_hash_key").on(t.linkHash),
    index("codes_expires_idx").on(t.expiresAt),
  ],
);

export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
  updatedBy: text("updated_by"),
});

export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    channel: text("channel", { enum: ["email", "sms"] }).notNull(),
    to: text("to").notNull(),
    subject: text("subject"),
    body: text("body").notNull(),
    html: text("html"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("outbox_to_idx").on(t.to, t.createdAt)],
);

/** SMS codes sent per UTC day, for the Manager's overview (the budget itself is a limit, lib/limits). */
export const smsDaily = pgTable("sms_daily", {
  day: text("day").primaryKey(),
  sent: integer("sent").notNull().default(0),
});

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    // The account the entry is about (may be null for system-wide changes).
    userId: text("user_id"),
    // Who did it: a user's id (the user themselves or an admin), "system" for scheduled jobs and
    // start-up, or null for a visitor who is not signed in (a failed sign-in).
    actorId: text("actor_id"),
    action: text("action").notNull(),
    detail: jsonb("detail"),
    ip: text("ip"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("audit_user_idx").on(t.userId, t.createdAt), index("audit_actor_idx").on(t.actorId, t.createdAt), index("audit_created_idx").on(t.createdAt)],
);

// Fixed-window counters shared by every app instance (see lib/rate-limit.ts).
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    resetAt: ts("reset_at").notNull(),
  },
  // reset_at: the daily job prunes windows that ended.
  (t) => [index("rate_limits_reset_idx").on(t.resetAt)],
);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array | Buffer }>({
  dataType: () => "bytea",
  fromDriver: (v) => new Uint8Array(v),
});

// WebAuthn credentials (security keys and passkeys).
export const webauthnCredentials = pgTable(
  "webauthn_credentials",
  {
    // The credential id, base64url.
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    publicKey: bytea("public_key").notNull(),
    counter: bigint("counter", { mode: "number" }).notNull().default(0),
    transports: jsonb("transports").$type<string[]>(),
    deviceType: text("device_type"),
    backedUp: boolean("backed_up").notNull().default(false),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastUsedAt: ts("last_used_at"),
  },
  (t) => [index("webauthn_user_idx").on(t.userId)],
);

// One-shot WebAuthn challenges: consumed atomically, so a challenge verifies once.
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    id: text("id").primaryKey(),
    userId: text("user_id"),
    purpose: text("purpose", { enum: ["register", "authenticate", "login"] }).notNull(),
    challenge: text("challenge").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    consumedAt: ts("consumed_at"),
  },
  (t) => [uniqueIndex("webauthn_challenges_challenge_key").on(t.challenge), index("webauthn_challenges_expires_idx").on(t.expiresAt)],
);

export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    usedAt: ts("used_at"),
  },
  (t) => [index("recovery_codes_user_idx").on(t.userId), uniqueIndex("recovery_codes_hash_key").on(t.codeHash)],
);

export const trustedDevices = pgTable(
  "trusted_devices",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    label: text("label").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastUsedAt: ts("last_used_at").notNull().defaultNow(),
    expiresAt: ts("expires_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("trusted_devices_user_idx").on(t.userId), uniqueIndex("trusted_devices_token_key").on(t.tokenHash)],
);

// The state between the first and the second factor (T3, B4): the browser holds a signed cookie
// with this row's token; no session exists until the second factor passes.
export const signInChallenges = pgTable(
  "sign_in_challenges",
  {
    // HMAC of the random token in the cookie.
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    firstFactor: text("first_factor").notNull(),
    surface: text("surface", { enum: ["web", "manager"] }).notNull(),
    next: text("next").notNull().default("/dashboard"),
    failedAttempts: integer("failed_attempts").notNull().default(0),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    completedAt: ts("completed_at"),
  },
  (t) => [index("sign_in_challenges_expires_idx").on(t.expiresAt)],
);

// A5: the profiles an account owns (a display name and a type from the admin-set list).
export const profiles = pgTable(
  "profiles",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("profiles_user_idx").on(t.userId, t.createdAt)],
);

// A11: personal API tokens. Only the HMAC of the secret is kept; `prefix` lets the owner recognise it.
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    prefix: text("prefix").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
    lastUsedAt: ts("last_used_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId, t.createdAt), uniqueIndex("api_tokens_hash_key").on(t.tokenHash)],
);

// A9: one row per account and UTC day on which a blocking notice went out; the key makes the
// daily job idempotent (insert first, send after; a failed send deletes its row).
export const blockingNotices = pgTable(
  "blocking_notices",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    blockOn: date("block_on", { mode: "string" }).notNull(),
    sentAt: ts("sent_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] })],
);

// S8: proof-of-work challenges already spent (by their signed nonce), until they expire.
export const powSpent = pgTable(
  "pow_spent",
  {
    id: text("id").primaryKey(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("pow_spent_expires_idx").on(t.expiresAt)],
);

// Security notices (password changed or reset, email changed, failed second steps) whose delivery
// failed: kept with the reason and retried by the daily job until sent or given up.
export const securityNotices = pgTable(
  "security_notices",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: text("user_id"),
    kind: text("kind").notNull(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    attempts: integer("attempts").notNull().default(1),
    lastError: text("last_error"),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastAttemptAt: ts("last_attempt_at").notNull().defaultNow(),
    sentAt: ts("sent_at"),
  },
  (t) => [index("security_notices_pending_idx").on(t.sentAt, t.createdAt)],
);

export type User = typeof users.$inferSelect;
export type Profile = typeof profiles.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type OutboxMessage = typeof outbox.$inferSelect;

// ——— OpenID Provider (lib/oidc/) ———

// Everything oidc-provider persists but clients: sessions, interactions, grants, codes and tokens.
// `id` is an HMAC of the model and the artefact's id (token values are ids: none is kept in clear).
export const oidcPayloads = pgTable(
  "oidc_payloads",
  {
    model: text("model").notNull(),
    id: text("id").notNull(),
    // HMAC of the grant id: equals the `id` of the Grant row, so a grant's tokens go with it.
    grantId: text("grant_id"),
    uid: text("uid"),
    userCode: text("user_code"),
    // Who and which app, for "revoke everything of this account / this app".
    accountId: text("account_id"),
    clientId: text("client_id"),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    expiresAt: ts("expires_at"),
    consumedAt: ts("consumed_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.model, t.id] }),
    index("oidc_payloads_grant_idx")
      .on(t.grantId)
      .where(sql`${t.grantId} is not null`),
    uniqueIndex("oidc_payloads_uid_key")
      .on(t.model, t.uid)
      .where(sql`${t.uid} is not null`),
    index("oidc_payloads_account_idx")
      .on(t.accountId, t.clientId)
      .where(sql`${t.accountId} is not null`),
    index("oidc_payloads_client_idx")
      .on(t.clientId)
      .where(sql`${t.clientId} is not null`),
    index("oidc_payloads_expires_idx").on(t.expiresAt),
  ],
);

// The apps that sign in with Latchkey, managed on /admin/clients.
export const oidcClients = pgTable("oidc_clients", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  type: text("type", { enum: ["confidential", "public"] }).notNull(),
  // "hmac256$<HMAC of the secret>": the secret is shown once and never stored.
  secretHash: text("secret_hash"),
  secretCreatedAt: ts("secret_created_at"),
  redirectUris: jsonb("redirect_uris").$type<string[]>().notNull(),
  postLogoutRedirectUris: jsonb("post_logout_redirect_uris").$type<string[]>().notNull().default([]),
  allowedScopes: jsonb("allowed_scopes").$type<string[]>().notNull(),
  require2fa: boolean("require_2fa").notNull().default(false),
  skipConsent: boolean("skip_consent").notNull().default(false),
  idTokenAlg: text("id_token_alg", { enum: ["ES256", "RS256"] })
    .notNull()
    .default("RS256"),
  createdBy: text("created_by"),
  disabledAt: ts("disabled_at"),
  createdAt: ts("created_at").notNull().defaultNow(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

// Signing keys: the private JWK sealed with AES-256-GCM. `next` is published but does not sign yet;
// `retired` is published until `delete_after`, for the tokens it signed.
export const oidcSigningKeys = pgTable(
  "oidc_signing_keys",
  {
    kid: text("kid").primaryKey(),
    alg: text("alg", { enum: ["ES256", "RS256"] }).notNull(),
    state: text("state", { enum: ["next", "current", "retired"] }).notNull(),
    privateJwk: text("private_jwk").notNull(),
    publicJwk: jsonb("public_jwk").$type<Record<string, unknown>>().notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    activatedAt: ts("activated_at"),
    retiredAt: ts("retired_at"),
    deleteAfter: ts("delete_after"),
  },
  (t) => [
    uniqueIndex("oidc_signing_keys_current_key")
      .on(t.alg)
      .where(sql`${t.state} = 'current'`),
    uniqueIndex("oidc_signing_keys_next_key")
      .on(t.alg)
      .where(sql`${t.state} = 'next'`),
  ],
);

export type OidcClient = typeof oidcClients.$inferSelect;
export type OidcSigningKey = typeof oidcSigningKeys.$inferSelect;
