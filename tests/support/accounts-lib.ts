// Every lib/accounts module as one object, loaded afresh: for tests that reload the lib modules
// after changing the environment (lib/env.ts caches it on first use).
export async function loadAccountsLib() {
  return {
    ...(await import("@/lib/accounts/queries")),
    ...(await import("@/lib/accounts/sign-up")),
    ...(await import("@/lib/accounts/confirm-email")),
    ...(await import("@/lib/accounts/activation")),
    ...(await import("@/lib/accounts/password")),
    ...(await import("@/lib/accounts/admin")),
    ...(await import("@/lib/accounts/recovery")),
    ...(await import("@/lib/accounts/email-change")),
  };
}
export type AccountsLib = Awaited<ReturnType<typeof loadAccountsLib>>;
