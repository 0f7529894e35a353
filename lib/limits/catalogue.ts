// Every rate limit of the product in one place (S8): how many, per how long, and the key it counts
// under. Callers name a limit and its subject — `hit(LIMITS.signInPerIdentifier(key))` — never a
// number or a key string of their own; docs/security.md lists the same table for people.
import type { Limit } from "@/lib/limits/store";

/** A limit bound to what it counts: the key its hits are stored under. */
export type KeyedLimit = Limit & { key: string; name: string };

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const def =
  <A extends unknown[]>(name: string, max: number, windowSeconds: number, key: (...a: A) => string) =>
  (...a: A): KeyedLimit => ({ name, max, windowSeconds, key: key(...a) });

/** A limit whose size is decided when it is used (an admin setting, or one that tightens). */
const sized =
  <A extends unknown[]>(name: string, windowSeconds: number, key: (...a: A) => string) =>
  (max: number, ...a: A): KeyedLimit => ({ name, max, windowSeconds, key: key(...a) });

export const LIMITS = {
  // ——— Signing in and up ———
  /** Password sign-ins per identifier; every try counts before the hash is checked, the right password clears it. */
  signInPerIdentifier: def("signInPerIdentifier", 10, 15 * MINUTE, (identifierKey: string) => `login-id:${identifierKey}`),
  /** Password sign-ins per client IP (only with LATCHKEY_TRUST_PROXY). */
  signInPerIp: def("signInPerIp", 300, 15 * MINUTE, (ip: string) => `login-ip:${ip}`),
  /** Sign-ups per client IP (only with LATCHKEY_TRUST_PROXY). */
  signUpPerIp: def("signUpPerIp", 20, HOUR, (ip: string) => `signup-ip:${ip}`),
  /** "Someone tried to register with your address" notices per address: an inbox cannot be flooded. */
  signUpNoticesPerAddress: def("signUpNoticesPerAddress", 3, HOUR, (email: string) => `signup-notice:${email}`),
  /** Wrong passwords when confirming it again before a sensitive change (B3), per account. */
  stepUpFailures: def("stepUpFailures", 10, 15 * MINUTE, (userId: string) => `reauth-fail:${userId}`),

  // ——— One-time codes ———
  /** A new code for the same purpose and target at most every 30 seconds (S8). */
  codeCooldown: def("codeCooldown", 1, 30, (purpose: string, target: string) => `code-cooldown:${purpose}:${target}`),
  /** Codes sent per purpose and target: 5 per 10 minutes (S8). */
  codeSendsPerTarget: def("codeSendsPerTarget", 5, 10 * MINUTE, (purpose: string, target: string) => `code-sends:${purpose}:${target}`),
  /** Wrong codes per target across re-sent codes: a new code does not reset it (S8). */
  codeFailuresPerTarget: def("codeFailuresPerTarget", 20, HOUR, (target: string) => `code-fail:${target}`),

  // ——— Second factors ———
  /** Failed second factors per account, across sign-ins (T5). */
  secondFactorFailures: def("secondFactorFailures", 10, 15 * MINUTE, (userId: string) => `2fa-fail:${userId}`),
  /** Second-factor tries per account, right or wrong. */
  secondFactorTries: def("secondFactorTries", 30, 15 * MINUTE, (userId: string) => `2fa-try:${userId}`),
  /** Security-key sign-in options per client IP, and for the whole site. */
  securityKeyOptionsPerIp: def("securityKeyOptionsPerIp", 30, MINUTE, (ip: string) => `webauthn-options-ip:${ip}`),
  securityKeyOptions: def("securityKeyOptions", 600, MINUTE, () => "webauthn-options-all"),

  // ——— SMS (S8) ———
  smsPerIp: def("smsPerIp", 20, HOUR, (ip: string) => `sms-ip:${ip}`),
  smsPerAccount: def("smsPerAccount", 10, HOUR, (userId: string) => `sms-account:${userId}`),
  /** Numbers under one prefix (pumping walks sequential numbers): country code and first digits. */
  smsPerPrefix: def("smsPerPrefix", 50, HOUR, (phone: string) => `sms-prefix:${phone.slice(0, 8)}`),
  /** Per number per day: the admin's `perNumberDaily`. */
  smsPerNumberDay: sized("smsPerNumberDay", DAY, (phone: string) => `sms-number-day:${phone}`),
  /** For the whole site per day: the admin's `globalDaily`. */
  smsPerDay: sized("smsPerDay", DAY, () => "sms-global-day"),
  /** A browser (signed cookie) that solved the proof of work. */
  smsPerBrowserHour: def("smsPerBrowserHour", 5, HOUR, (browserId: string) => `sms-browser:${browserId}`),
  smsPerBrowserDay: def("smsPerBrowserDay", 15, DAY, (browserId: string) => `sms-browser-day:${browserId}`),
  /** Every signed-out SMS request without a known browser or without a proof of work, together. */
  smsAnonymous: def("smsAnonymous", 10, HOUR, () => "sms-anonymous"),
  /** Codes to numbers being added, for the whole site: the admin's `newNumbersHourly`, halved as it is reached. */
  smsNewNumbers: sized("smsNewNumbers", HOUR, () => "sms-new-numbers"),
  /** How many times the new-number limit refused in the last day (it halves for each power of ten). */
  smsNewNumberRefusals: def("smsNewNumberRefusals", 1_000_000, DAY, () => "sms-new-number-refusals"),

  /** Marks a channel whose last delivery within 10 minutes failed (the pages say so, to everyone alike). */
  deliveryTrouble: def("deliveryTrouble", 1_000_000, 10 * MINUTE, (channel: "email" | "sms") => `delivery-trouble:${channel}`),

  // ——— OpenID Connect provider (apps signing in with Latchkey) ———
  /** The authorization endpoint (and its resume), per client IP (with a trusted proxy) and per app. */
  oidcAuthorizePerIp: def("oidcAuthorizePerIp", 60, MINUTE, (ip: string) => `oidc-auth-ip:${ip}`),
  oidcAuthorizePerClient: def("oidcAuthorizePerClient", 600, MINUTE, (clientId: string) => `oidc-auth-client:${clientId.slice(0, 200)}`),
  /** Token and revocation requests, per app and per client IP. */
  oidcTokenPerClient: def("oidcTokenPerClient", 600, MINUTE, (clientId: string) => `oidc-token-client:${clientId.slice(0, 200)}`),
  oidcTokenPerIp: def("oidcTokenPerIp", 300, MINUTE, (ip: string) => `oidc-token-ip:${ip}`),

  // ——— Changing one's own account ———
  /** New phone numbers an account tries (security tab, /confirm, SMS set-up at sign-in). */
  phoneClaimsPerAccount: def("phoneClaimsPerAccount", 10, HOUR, (userId: string) => `phone-claims:${userId}`),
  /** New email addresses an account asks a code for. */
  emailChangesPerAccount: def("emailChangesPerAccount", 5, HOUR, (userId: string) => `email-change:${userId}`),
} as const;

export type LimitName = keyof typeof LIMITS;
