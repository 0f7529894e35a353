// Loading lib/sms afresh for a test of the SMS providers. lib/env caches the environment on first
// use, so every SMS variable is cleared, the given ones stubbed, and the lib modules re-imported.
import { afterAll, afterEach, beforeAll, vi } from "vitest";

const SMS_ENV = [
  "LATCHKEY_SMS_PROVIDER",
  "LATCHKEY_SMS_TIMEOUT_MS",
  "TWILIO_ACCOUNT_SID",
  "TWILIO_AUTH_TOKEN",
  "TWILIO_FROM",
  "TWILIO_BASE_URL",
  "CLICKATELL_API_KEY",
  "CLICKATELL_FROM",
  "CLICKATELL_BASE_URL",
  "TWOFACTOR_API_KEY",
  "TWOFACTOR_SENDER_ID",
  "TWOFACTOR_TEMPLATE",
  "TWOFACTOR_BASE_URL",
];

export async function loadSmsLib(env: Record<string, string>) {
  vi.unstubAllEnvs();
  for (const name of SMS_ENV) vi.stubEnv(name, undefined);
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  vi.resetModules();
  const sms = await import("@/lib/delivery/sms");
  const settings = await import("@/lib/settings");
  const { encryptSecret } = await import("@/lib/crypto");
  /** Stored SMS settings: the current ones with no fallback provider, then `patch`. */
  const saveSms = async (patch: Record<string, unknown>) => {
    const current = await settings.getSettings("sms");
    await settings.updateSettings("sms", { ...current, fallbackProvider: "none", ...patch }, null);
  };
  return { ...sms, getSettings: settings.getSettings, encryptSecret, saveSms };
}

/** The console lines a spy saw, one per call. */
export const logged = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((c) => c.map(String).join(" ")).join("\n");

type Fake = { close(): Promise<void>; mode(m: "ok"): void; requests: unknown[] };

/**
 * Starts a provider fake for the file's tests and resets it after each one (back to answering
 * "ok", no recorded requests). The returned object stands for the running fake.
 */
export function providerFake<F extends Fake>(start: () => Promise<F>): F {
  let fake: F | undefined;
  beforeAll(async () => {
    fake = await start();
  });
  afterAll(async () => {
    await fake?.close();
    vi.unstubAllEnvs();
  });
  afterEach(() => {
    fake!.mode("ok");
    fake!.requests.length = 0;
    vi.restoreAllMocks();
  });
  return new Proxy({} as F, {
    get: (_t, key) => {
      const value = (fake as Record<PropertyKey, unknown>)[key];
      return typeof value === "function" ? value.bind(fake) : value;
    },
  });
}
