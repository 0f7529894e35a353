import "server-only";
// The provider's interaction (its login and consent steps) done with Latchkey's own sign-in: what
// the interaction page shows for a browser, and the results the POST routes hand back to the provider.
import type { InteractionResults } from "oidc-provider";
import type { Current } from "@/lib/auth/current";
import { audit } from "@/lib/audit";
import { env } from "@/lib/env";
import { addsFactor, methodsFor, provesTwoFactors } from "@/lib/factors/methods";
import { loadPolicy } from "@/lib/factors/policy";
import type { TwoFactorMethod } from "@/lib/settings";
import { isTrustedDevice } from "@/lib/factors/trusted-devices";
import { isAllowed } from "@/lib/permissions";
import { needsFirstProfile } from "@/lib/profiles";
import { NodeResponse, toNodeRequest } from "./bridge";
import { amrAcrFor } from "./claims";
import { ACR_2FA, REQUIRE_2FA, SCOPES, SKIP_CONSENT, type Scope } from "./clients";
import { errors, getProvider } from "./provider";

export const interactionPath = (uid: string) => `/oidc/interaction/${encodeURIComponent(uid)}`;
const UID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The interaction of this browser, read from the provider's signed cookie (only the cookie header
 * is needed). oidc-provider does not compare the cookie's uid with the URL's: done here.
 */
export async function loadInteraction(headers: Headers, uid: string) {
  if (!UID.test(uid)) throw new errors.SessionNotFound("malformed interaction id");
  const { provider } = await getProvider();
  const { baseUrl } = env();
  const url = `${baseUrl}${interactionPath(uid)}`;
  const req = toNodeRequest(new Request(url, { headers: { cookie: headers.get("cookie") ?? "" } }), undefined, { secure: baseUrl.startsWith("https:"), url });
  const details = await provider.interactionDetails(req, new NodeResponse() as never);
  if (details.uid !== uid) throw new errors.SessionNotFound("interaction cookie does not match the URL");
  return { details, req, provider };
}

/** Hands a result to the provider; returns where the browser goes next (the authorization resume). */
async function finish(headers: Headers, uid: string, result: InteractionResults, merge: boolean): Promise<string> {
  const { req, provider } = await loadInteraction(headers, uid);
  return provider.interactionResult(req, new NodeResponse() as never, result, { mergeWithLastSubmission: merge });
}

export type AppInfo = { id: string; name: string; requires2fa: boolean; skipConsent: boolean };

export type Step =
  | { kind: "expired" }
  | { kind: "reload" }
  | { kind: "sign_in"; href: string; app: AppInfo }
  | { kind: "reauth"; href: string; app: AppInfo }
  | { kind: "step_up"; app: AppInfo; bySecondStep: boolean }
  | { kind: "pending"; app: AppInfo }
  | { kind: "first_profile"; app: AppInfo }
  | { kind: "other_account"; app: AppInfo }
  | { kind: "continue"; app: AppInfo }
  | { kind: "consent"; app: AppInfo; scopes: Scope[]; auto: boolean };

/** The last time this Latchkey session proved the person: its sign-in or its second step. */
export function lastAuthenticated(current: Current): number {
  const s = current.session;
  return Math.max(s.createdAt.getTime(), s.secondFactorAt?.getTime() ?? 0);
}

type Details = Awaited<ReturnType<typeof loadInteraction>>["details"];

async function appOf(details: Details): Promise<AppInfo | null> {
  const { provider } = await getProvider();
  const client = await provider.Client.find(String(details.params.client_id ?? ""));
  if (!client) return null;
  const extra = client as unknown as Record<string, unknown>;
  return {
    id: client.clientId,
    name: client.clientName ?? client.clientId,
    requires2fa: extra[REQUIRE_2FA] === true,
    skipConsent: extra[SKIP_CONSENT] === true,
  };
}

/**
 * The second-step methods the account has set up that add a factor to how this session signed in,
 * main method first (after a phone-code sign-in, an SMS code adds nothing); `none` when it has some
 * but none of them adds one: then only signing in again (with the password) gives the app two factors.
 */
export async function stepUpMethods(current: Current): Promise<{ adding: TwoFactorMethod[]; none: boolean; primary: TwoFactorMethod }> {
  const method = current.session.method ?? "session";
  const { primary, backup, available } = await methodsFor(current.user, await loadPolicy());
  const ordered = [primary, backup, ...available].filter((m): m is TwoFactorMethod => m !== null && available.includes(m));
  const adding = [...new Set(ordered)].filter((m) => addsFactor(method, m));
  return { adding, none: available.length > 0 && adding.length === 0, primary };
}

/** What signing in for this interaction still needs from this Latchkey session, if anything. */
async function loginNeeds(details: Details, current: Current | null, app: AppInfo, uid: string): Promise<Step | null> {
  const next = encodeURIComponent(interactionPath(uid));
  if (!current) return { kind: "sign_in", href: `/login?next=${next}`, app };
  if (!(await isAllowed(current.user.id, "use_apps"))) return { kind: "pending", app };
  const at = lastAuthenticated(current);
  const reasons = details.prompt.name === "login" ? details.prompt.reasons : [];
  // prompt=login: a sign-in after the app asked; max_age: one recent enough. A sign-in made since the
  // app asked satisfies both (max_age=0 included).
  const maxAge = Number(details.params.max_age);
  const tooOld = details.params.max_age !== undefined && Number.isFinite(maxAge) && at < Date.now() - maxAge * 1000;
  const stale = (reasons.includes("login_prompt") || tooOld) && at < details.iat * 1000;
  if (stale) return { kind: "reauth", href: `/login?next=${next}&reauth=1`, app };
  const twoFactor =
    app.requires2fa ||
    String(details.params.acr_values ?? "")
      .split(" ")
      .includes(ACR_2FA);
  if (twoFactor && !provesTwoFactors(current.session.method, Boolean(current.session.secondFactorAt)))
    return { kind: "step_up", app, bySecondStep: (await isTrustedDevice(current.user.id)) || !(await stepUpMethods(current)).none };
  if (await needsFirstProfile(current.user)) return { kind: "first_profile", app };
  return null;
}

/**
 * Whether this request carries no interaction cookie at all. A sign-in form's server action renders
 * its redirect target (this page) with the form post's own cookies, which never include the
 * interaction cookie (its path is the interaction's): the page then loads itself once more.
 */
export const withoutInteractionCookie = (headers: Headers) => !/(?:^|;\s*)lk_op_interaction=/.test(headers.get("cookie") ?? "");

/** What the interaction page shows this browser now. */
export async function interactionStep(headers: Headers, uid: string, current: Current | null): Promise<Step> {
  let details: Details;
  try {
    ({ details } = await loadInteraction(headers, uid));
  } catch (err) {
    if (err instanceof errors.SessionNotFound) return { kind: withoutInteractionCookie(headers) ? "reload" : "expired" };
    throw err;
  }
  const app = await appOf(details);
  if (!app) return { kind: "expired" };
  if (details.prompt.name === "login") return (await loginNeeds(details, current, app, uid)) ?? { kind: "continue", app };
  // Consent: the person signed in for this interaction must still be the one signed in to Latchkey.
  const needs = await loginNeeds(details, current, app, uid);
  if (needs && needs.kind !== "reauth") return needs;
  if (current!.user.id !== details.session?.accountId) return { kind: "other_account", app };
  const asked = new Set<string>((details.prompt.details.missingOIDCScope as string[] | undefined) ?? String(details.params.scope ?? "").split(" "));
  const scopes = SCOPES.filter((s) => asked.has(s));
  return { kind: "consent", app, scopes, auto: app.skipConsent };
}

export class InteractionRefused extends Error {
  constructor(readonly step: Step) {
    super(`interaction cannot finish: ${step.kind}`);
  }
}

/** "Continue as …": the Latchkey session signs in to the app, with its amr and acr. */
export async function finishLogin(headers: Headers, uid: string, current: Current | null): Promise<string> {
  const step = await interactionStep(headers, uid, current);
  if (step.kind !== "continue") throw new InteractionRefused(step);
  const { amr, acr } = amrAcrFor(current!.session.method, Boolean(current!.session.secondFactorAt));
  const ts = Math.floor(lastAuthenticated(current!) / 1000);
  return finish(headers, uid, { login: { accountId: current!.user.id, amr, acr, ts, remember: true } }, false);
}

/** Allow or deny on the consent page (a first-party app's consent is given without asking). */
export async function finishConsent(headers: Headers, uid: string, current: Current | null, allow: boolean): Promise<string> {
  const step = await interactionStep(headers, uid, current);
  if (step.kind !== "consent") throw new InteractionRefused(step);
  const { details, provider } = await loadInteraction(headers, uid);
  const userId = current!.user.id;
  const detail = { clientId: step.app.id, clientName: step.app.name, scopes: step.scopes };
  if (!allow) {
    await audit({ action: "oidc.consent_denied", userId, actorId: userId, detail });
    return finish(headers, uid, { error: "access_denied", error_description: "End-User denied the request" }, false);
  }
  const { prompt, params, session, grantId } = details;
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
  const missing = prompt.details.missingOIDCScope as string[] | undefined;
  const scope = missing?.length
    ? missing
    : String(params.scope ?? "")
        .split(" ")
        .filter(Boolean);
  if (scope.length) grant.addOIDCScope(scope.join(" "));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims as string[]);
  const saved = await grant.save();
  if (!step.auto) await audit({ action: "oidc.consent_given", userId, actorId: userId, detail });
  return finish(headers, uid, { consent: existing ? {} : { grantId: saved } }, true);
}

/** Ends the interaction with an error the app receives (the person cancelled, or may not use apps). */
export async function abortInteraction(headers: Headers, uid: string, error: "access_denied" | "login_required", description: string): Promise<string> {
  return finish(headers, uid, { error, error_description: description }, false);
}

/**
 * The name of the app a sign-in will return to, when `next` is an interaction page still in
 * progress (for "Sign in to continue to …" on the sign-in page); null otherwise.
 */
export async function appNameForReturnPath(next: string): Promise<string | null> {
  const m = /^\/oidc\/interaction\/([A-Za-z0-9_-]{1,64})$/.exec(next);
  if (!m) return null;
  try {
    const { provider } = await getProvider();
    const interaction = await provider.Interaction.find(m[1]!);
    const client = interaction ? await provider.Client.find(String(interaction.params.client_id ?? "")) : undefined;
    return client ? (client.clientName ?? client.clientId) : null;
  } catch {
    return null;
  }
}
