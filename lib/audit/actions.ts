// The audit log's vocabulary (T9): every action name, and the words the Manager app shows for it.
// Client-safe (no server imports): the page, the CSV export and the action filter share it.

/** The actor of entries written by scheduled jobs and start-up work. */
export const SYSTEM_ACTOR = "system";

const LABELS = {
  "account.created": "Account created",
  "account.activated": "Account activated",
  "account.blocked": "Account blocked",
  "account.unblocked": "Account unblocked",
  "account.made_admin": "Made an admin",
  "account.rights_changed": "Account rights changed",
  "account.blocking_date_set": "Blocking date set",
  "account.blocking_date_cleared": "Blocking date cleared",
  "account.blocking_notice_changed": "Blocking notices by email changed",
  "account.blocking_notice_sent": "Blocking notice emailed",
  "api_token.created": "API token created",
  "api_token.revoked": "API token revoked",
  "device.trusted": "Device remembered",
  "device.forgotten": "Trusted device forgotten",
  "email.changed": "Email address changed",
  "email.confirmed": "Email address confirmed",
  "oidc.client_created": "App created (OpenID Connect)",
  "oidc.client_updated": "App changed",
  "oidc.client_secret_rotated": "App secret rotated",
  "oidc.client_disabled": "App disabled",
  "oidc.client_enabled": "App enabled",
  "oidc.key_published": "Signing key published",
  "oidc.key_activated": "Signing key activated",
  "oidc.consent_given": "App allowed",
  "oidc.consent_denied": "App refused",
  "oidc.signed_in": "Signed in to an app",
  "oidc.app_revoked": "Connected app removed",
  "oidc.token_reused": "Refresh token or code used twice (app's tokens revoked)",
  "oidc.signed_out": "Signed out from an app",
  "password.changed": "Password changed",
  "password.reset": "Password reset",
  "phone.confirmed": "Phone number confirmed",
  "profile.created": "Profile created",
  "profile.updated": "Profile changed",
  "profile.deleted": "Profile deleted",
  "reauth.succeeded": "Password confirmed again",
  "reauth.failed": "Wrong password when confirming it again",
  "session.ended": "Session ended",
  "session.ended_others": "Other sessions ended",
  "settings.changed": "Settings changed",
  "signin.succeeded": "Signed in",
  "signin.failed": "Sign-in failed",
  "signin.refused": "Sign-in refused (blocked account)",
  "signin.first_factor": "First step of sign-in passed",
  signout: "Signed out",
  "sms.test_sent": "Test SMS sent",
  "sms.test_failed": "Test SMS failed",
  "two_factor.enabled": "Two-step verification turned on",
  "two_factor.disabled": "Two-step verification turned off",
  "two_factor.method_added": "Two-step method set up",
  "two_factor.method_removed": "Two-step method removed",
  "two_factor.methods_chosen": "Main and backup two-step methods chosen",
  "two_factor.recovery_codes_regenerated": "New recovery codes made",
  "two_factor.failed": "Second step failed",
  "two_factor.failed_3_times": "Second step failed 3 times",
} as const;

export type AuditAction = keyof typeof LABELS;

/** Every action with its label, for the action filter (alphabetical by label). */
export const AUDIT_ACTION_OPTIONS: ReadonlyArray<{ value: AuditAction; label: string }> = (Object.keys(LABELS) as AuditAction[])
  .map((value) => ({ value, label: LABELS[value] }))
  .sort((a, b) => a.label.localeCompare(b.label));

export const isAuditAction = (v: string): v is AuditAction => Object.hasOwn(LABELS, v);

const APP: Record<string, string> = { web: "Web app", manager: "Manager app" };
const METHOD: Record<string, string> = {
  sms: "SMS",
  email: "email codes",
  totp: "authenticator app",
  webauthn: "security key",
  recovery: "recovery code",
  password: "password",
  sms_code: "SMS code",
};
const SECTION: Record<string, string> = {
  account: "Account",
  regional: "Regional",
  sms: "SMS",
  twoFactor: "Two-factor",
  pendingPermissions: "Pending permissions",
  auditLog: "Audit log",
};

const methodWords = (m: unknown) =>
  String(m)
    .split("+")
    .map((p) => METHOD[p] ?? p.replace(/_/g, " "))
    .join(" + ");

/** The action in words, with its most telling detail: "Two-step verification turned on (Web app)". */
export function actionLabel(action: string, detail: unknown): string {
  const d = (detail && typeof detail === "object" ? detail : {}) as Record<string, unknown>;
  // A failed test stored under sms.test_sent (as older entries are) reads as failed too.
  if (action === "sms.test_sent" && d.ok === false) return LABELS["sms.test_failed"];
  const base: string = isAuditAction(action) ? LABELS[action] : action;
  if (typeof d.app === "string" && APP[d.app]) return `${base} (${APP[d.app]})`;
  if (action === "settings.changed" && typeof d.section === "string") return `${base} (${SECTION[d.section] ?? d.section})`;
  if ((action.startsWith("signin.") || action.startsWith("two_factor.")) && d.method) return `${base} (${methodWords(d.method)})`;
  if (action.startsWith("oidc.") && typeof d.clientName === "string") return `${base} (${d.clientName})`;
  if (action.startsWith("oidc.client_") && typeof d.name === "string") return `${base} (${d.name})`;
  if (action.startsWith("oidc.key_") && typeof d.alg === "string") return `${base} (${d.alg})`;
  return base;
}
