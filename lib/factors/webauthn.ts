import "server-only";
// Security keys and passkeys (WebAuthn): registration, 2FA and passwordless sign-in, key management.
import { assertMethodAllowed } from "@/lib/factors/policy";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { decodeClientDataJSON, isoBase64URL } from "@simplewebauthn/server/helpers";
import { and, asc, count, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { db, type Db as Tx, type Within } from "@/lib/db";
import { webauthnChallenges, webauthnCredentials } from "@/db/schema";
import { newId } from "@/lib/crypto";
import { env } from "@/lib/env";
import { ErrorCodes, UserError } from "@/lib/shared/errors";
import { assertAllowed } from "@/lib/permissions";

export const RP_NAME = "Latchkey";
export const CHALLENGE_TTL_SECONDS = 5 * 60;
export const KEY_NAME_MAX = 60;

type ChallengePurpose = "register" | "authenticate" | "login";

/** The relying party: the configured base URL, never the request's Host header (B5). */
export function relyingParty(): { rpID: string; origin: string } {
  const url = new URL(env().baseUrl);
  return { rpID: url.hostname, origin: url.origin };
}

export type CredentialSummary = {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  transports: string[] | null;
  deviceType: string | null;
  backedUp: boolean;
};

const summaryColumns = {
  id: webauthnCredentials.id,
  name: webauthnCredentials.name,
  createdAt: webauthnCredentials.createdAt,
  lastUsedAt: webauthnCredentials.lastUsedAt,
  transports: webauthnCredentials.transports,
  deviceType: webauthnCredentials.deviceType,
  backedUp: webauthnCredentials.backedUp,
};

const registerFailed = () => new UserError(ErrorCodes.INVALID_CODE, "The security key could not be registered. Try again.");
const verifyFailed = () => new UserError(ErrorCodes.INVALID_CODE, "The security key could not be verified. Try again or use another method.");
const unknownKey = () => new UserError(ErrorCodes.NOT_FOUND, "This security key is not registered to an account. Use another method.");

// Causes go to the log for whoever runs the server; the user sees one plain sentence (B6: no secrets logged —
// challenges are single-use and credential ids are public).
function logRefusal(what: string, detail: string) {
  console.warn(`webauthn: ${what} refused: ${detail.slice(0, 300)}`);
}

function keyName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, " ");
  const length = [...trimmed].length;
  if (length < 1 || length > KEY_NAME_MAX) {
    throw new UserError(ErrorCodes.INVALID_INPUT, `Give the key a name of 1 to ${KEY_NAME_MAX} characters.`, "name");
  }
  return trimmed;
}

async function storeChallenge(challenge: string, purpose: ChallengePurpose, userId: string | null) {
  // Expired challenges are useless; clear old ones as new ones are made.
  await db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, sql`now() - interval '1 hour'`));
  await db.insert(webauthnChallenges).values({
    id: newId(),
    userId,
    purpose,
    challenge,
    expiresAt: sql`now() + make_interval(secs => ${CHALLENGE_TTL_SECONDS})`,
  });
}

/** The challenge the browser signed, read from clientDataJSON; null when it is not readable. */
function challengeOf(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== "string" || !isoBase64URL.isBase64URL(clientDataJSON)) return null;
  try {
    const { challenge } = decodeClientDataJSON(clientDataJSON);
    return typeof challenge === "string" && challenge.length > 0 ? challenge : null;
  } catch {
    return null;
  }
}

/** Marks a challenge used in one conditional UPDATE: it verifies at most once, and only for its purpose and user. */
async function consumeChallenge(challenge: string, purpose: ChallengePurpose, userId: string | null): Promise<string | null> {
  const [row] = await db
    .update(webauthnChallenges)
    .set({ consumedAt: sql`now()` })
    .where(
      and(
        eq(webauthnChallenges.challenge, challenge),
        eq(webauthnChallenges.purpose, purpose),
        userId === null ? isNull(webauthnChallenges.userId) : eq(webauthnChallenges.userId, userId),
        isNull(webauthnChallenges.consumedAt),
        gt(webauthnChallenges.expiresAt, sql`now()`),
      ),
    )
    .returning({ challenge: webauthnChallenges.challenge });
  return row?.challenge ?? null;
}

async function credentialDescriptors(userId: string) {
  const rows = await db
    .select({ id: webauthnCredentials.id, transports: webauthnCredentials.transports })
    .from(webauthnCredentials)
    .where(eq(webauthnCredentials.userId, userId))
    .orderBy(asc(webauthnCredentials.createdAt));
  return rows.map((r) => ({ id: r.id, transports: r.transports ?? undefined }));
}

/** Options for navigator.credentials.create(): a discoverable credential bound to the user's id. */
export async function registrationOptions(user: {
  id: string;
  name: string;
  email?: string | null;
  phone?: string | null;
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await assertAllowed(user, "enable_2fa");
  await assertMethodAllowed("webauthn");
  const { rpID } = relyingParty();
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID,
    userID: new TextEncoder().encode(user.id),
    userName: user.email ?? user.phone ?? user.name,
    userDisplayName: user.name,
    timeout: CHALLENGE_TTL_SECONDS * 1000,
    attestationType: "none",
    excludeCredentials: await credentialDescriptors(user.id),
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
  await storeChallenge(options.challenge, "register", user.id);
  return options;
}

/** Verifies the browser's answer to registrationOptions() and stores the new key under `name`. */
export async function finishRegistration(userId: string, response: RegistrationResponseJSON, name: string, within?: Within): Promise<CredentialSummary> {
  const label = keyName(name);
  const challenge = challengeOf(response?.response?.clientDataJSON);
  if (!challenge || !(await consumeChallenge(challenge, "register", userId))) {
    logRefusal("registration", `no open registration challenge for user ${userId}`);
    throw registerFailed();
  }
  const { rpID, origin } = relyingParty();
  let info;
  try {
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
    if (!verified.verified) throw new Error("attestation did not verify");
    info = verified.registrationInfo;
  } catch (err) {
    logRefusal("registration", `user ${userId}: ${err instanceof Error ? err.message : String(err)}`);
    throw registerFailed();
  }
  // The key and what its enrolment brings (`within`: the method, the recovery codes) in one transaction.
  const store = async (q: Tx) => {
    const [stored] = await q
      .insert(webauthnCredentials)
      .values({
        id: info.credential.id,
        userId,
        name: label,
        publicKey: Buffer.from(info.credential.publicKey),
        counter: info.credential.counter,
        transports: info.credential.transports ?? response.response.transports ?? null,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
      })
      .onConflictDoNothing()
      .returning(summaryColumns);
    if (stored && within) await within(q);
    return stored;
  };
  const row = within ? await db.transaction((tx) => store(tx as unknown as Tx)) : await store(db);
  if (!row) {
    logRefusal("registration", `user ${userId}: credential ${info.credential.id} already registered`);
    throw new UserError(ErrorCodes.INVALID_CODE, "This security key is already registered.");
  }
  return row;
}

/**
 * Options for navigator.credentials.get(). With a user id: the second factor, limited to that
 * user's keys. With null: passwordless sign-in with a discoverable credential (any key may answer).
 */
export async function authenticationOptions(userId: string | null): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const allowCredentials = userId ? await credentialDescriptors(userId) : [];
  if (userId && !allowCredentials.length) {
    throw new UserError(ErrorCodes.NOT_FOUND, "No security key is registered to this account. Use another method.");
  }
  const options = await generateAuthenticationOptions({
    rpID: relyingParty().rpID,
    allowCredentials,
    userVerification: "preferred",
    timeout: CHALLENGE_TTL_SECONDS * 1000,
  });
  await storeChallenge(options.challenge, userId ? "authenticate" : "login", userId);
  return options;
}

/**
 * Verifies an assertion. For 2FA (`userId` set) the key must be that user's; for discoverable
 * sign-in (`userId` null) the returned user handle must name the key's owner. A counter that does
 * not grow (a cloned key) is refused, and the counter moves with a conditional UPDATE.
 */
export async function finishAuthentication(
  response: AuthenticationResponseJSON,
  opts: { userId: string | null; requireUserVerification: boolean },
  within?: Within,
): Promise<{ userId: string; credentialId: string; userVerified: boolean }> {
  const what = opts.userId ? `2FA for user ${opts.userId}` : "sign-in";
  const challenge = challengeOf(response?.response?.clientDataJSON);
  if (!challenge || !(await consumeChallenge(challenge, opts.userId ? "authenticate" : "login", opts.userId))) {
    logRefusal(what, "no open challenge (unknown, used or expired)");
    throw verifyFailed();
  }
  const [cred] = typeof response.id === "string" ? await db.select().from(webauthnCredentials).where(eq(webauthnCredentials.id, response.id)) : [];
  if (!cred) {
    logRefusal(what, `unknown credential ${String(response.id).slice(0, 100)}`);
    throw unknownKey();
  }
  if (opts.userId && cred.userId !== opts.userId) {
    logRefusal(what, `credential ${cred.id} belongs to another user`);
    throw verifyFailed();
  }
  const userHandle = response.response.userHandle;
  if (userHandle || !opts.userId) {
    let owner: string | null = null;
    try {
      owner = userHandle ? isoBase64URL.toUTF8String(userHandle) : null;
    } catch {
      owner = null;
    }
    if (owner !== cred.userId) {
      logRefusal(what, `user handle does not match the owner of credential ${cred.id}`);
      throw verifyFailed();
    }
  }
  const { rpID, origin } = relyingParty();
  let info;
  try {
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: opts.requireUserVerification,
      credential: {
        id: cred.id,
        publicKey: new Uint8Array(cred.publicKey),
        counter: cred.counter,
        transports: cred.transports ?? undefined,
      },
    });
    if (!verified.verified) throw new Error("signature did not verify");
    info = verified.authenticationInfo;
  } catch (err) {
    logRefusal(what, `credential ${cred.id}: ${err instanceof Error ? err.message : String(err)}`);
    throw verifyFailed();
  }
  // A counter that does not grow means a second copy of the key exists (WebAuthn §6.1.1).
  if ((cred.counter > 0 || info.newCounter > 0) && info.newCounter <= cred.counter) {
    logRefusal(what, `credential ${cred.id}: counter ${info.newCounter} not above ${cred.counter} (possible clone)`);
    throw verifyFailed();
  }
  // The counter moves in the transaction that writes what the assertion unlocks (`within`).
  const move = async (q: Tx) => {
    const rows = await q
      .update(webauthnCredentials)
      .set({ counter: info.newCounter, lastUsedAt: sql`now()`, backedUp: info.credentialBackedUp })
      .where(and(eq(webauthnCredentials.id, cred.id), eq(webauthnCredentials.counter, cred.counter)))
      .returning({ id: webauthnCredentials.id });
    if (rows.length && within) await within(q);
    return rows.length > 0;
  };
  const moved = within ? await db.transaction((tx) => move(tx as unknown as Tx)) : await move(db);
  if (!moved) {
    logRefusal(what, `credential ${cred.id}: counter changed or key removed during verification`);
    throw verifyFailed();
  }
  return { userId: cred.userId, credentialId: cred.id, userVerified: info.userVerified };
}

/** The user's keys, oldest first (no key material). */
export async function listCredentials(userId: string): Promise<CredentialSummary[]> {
  return db.select(summaryColumns).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId)).orderBy(asc(webauthnCredentials.createdAt));
}

export async function renameCredential(userId: string, id: string, name: string): Promise<void> {
  const label = keyName(name);
  const rows = await db
    .update(webauthnCredentials)
    .set({ name: label })
    .where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.userId, userId)))
    .returning({ id: webauthnCredentials.id });
  if (!rows.length) throw new UserError(ErrorCodes.NOT_FOUND, "This security key was not found.");
}

/** Removes one of the user's own keys; another user's key id is answered like an unknown one. */
export async function removeCredential(userId: string, id: string): Promise<void> {
  const rows = await db
    .delete(webauthnCredentials)
    .where(and(eq(webauthnCredentials.id, id), eq(webauthnCredentials.userId, userId)))
    .returning({ id: webauthnCredentials.id });
  if (!rows.length) throw new UserError(ErrorCodes.NOT_FOUND, "This security key was not found.");
}

export async function countCredentials(userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webauthnCredentials).where(eq(webauthnCredentials.userId, userId));
  return Number(row?.n ?? 0);
}
