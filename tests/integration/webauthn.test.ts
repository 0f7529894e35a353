// Security keys (T7, T10): registration, 2FA and discoverable sign-in through a software authenticator
// verified by @simplewebauthn/server — one-shot challenges, origin/RP ID/UV checks, cloned-key detection.
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { db } from "@/lib/db";
import { webauthnChallenges, webauthnCredentials } from "@/db/schema";
import { ErrorCodes } from "@/lib/shared/errors";
import {
  authenticationOptions,
  countCredentials,
  finishAuthentication,
  finishRegistration,
  listCredentials,
  registrationOptions,
  relyingParty,
  removeCredential,
  renameCredential,
} from "@/lib/factors/webauthn";
import { createUser } from "../support/fixtures";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { rejection } from "../support/rejection";

const VERIFY_FAILED = "The security key could not be verified. Try again or use another method.";

const newAuthenticator = () => {
  const { rpID, origin } = relyingParty();
  return new SoftAuthenticator({ origin, rpId: rpID });
};

const credentialRow = async (id: string) => (await db.select().from(webauthnCredentials).where(eq(webauthnCredentials.id, id)))[0];
const challengeRow = async (challenge: string) => (await db.select().from(webauthnChallenges).where(eq(webauthnChallenges.challenge, challenge)))[0]!;

/** A user with one registered security key. */
async function withKey(name = "Blue key") {
  const user = await createUser();
  const key = newAuthenticator();
  const options = await registrationOptions(user);
  await finishRegistration(user.id, key.register(options), name);
  return { user, key };
}

/** One 2FA ceremony: options for the user, an assertion from `key` (with overrides), then verification. */
async function twoFactor(
  userId: string,
  key: SoftAuthenticator,
  overrides: Parameters<SoftAuthenticator["authenticate"]>[1] = {},
  requireUserVerification = false,
) {
  const options = await authenticationOptions(userId);
  return finishAuthentication(key.authenticate(options, overrides), { userId, requireUserVerification });
}

describe("security keys (WebAuthn)", () => {
  // Refusals are logged with their cause; keep them out of the test output and assert on them instead.
  let warn: MockInstance<typeof console.warn>;
  beforeEach(() => {
    warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    return () => warn.mockRestore();
  });
  const logged = () => warn.mock.calls.map((c) => c.join(" ")).join("\n");

  it("the relying party is the configured base URL", () => {
    expect(relyingParty()).toEqual({ rpID: "latchkey.test", origin: "http://latchkey.test" });
  });

  it("registers a key: options bound to the user, challenge stored for 5 minutes and consumed once", async () => {
    const user = await createUser({ name: "Ada Lovelace" });
    const options = await registrationOptions(user);
    expect(options.rp).toEqual({ id: "latchkey.test", name: "Latchkey" });
    expect(Buffer.from(options.user.id, "base64url").toString("utf8")).toBe(user.id);
    expect(options.user.name).toBe(user.email);
    expect(options.user.displayName).toBe("Ada Lovelace");
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "preferred" });
    expect(options.attestation).toBe("none");
    expect(options.excludeCredentials).toEqual([]);

    const stored = await challengeRow(options.challenge);
    expect(stored).toMatchObject({ purpose: "register", userId: user.id, consumedAt: null });
    const ttl = stored.expiresAt.getTime() - stored.createdAt.getTime();
    expect(ttl).toBeGreaterThan(4.9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000 + 1000);

    const key = newAuthenticator();
    const registration = key.register(options);
    const summary = await finishRegistration(user.id, registration, "  Blue   key  ");
    expect(summary).toMatchObject({ id: key.credentialId, name: "Blue key", lastUsedAt: null, transports: ["usb"] });
    expect((await challengeRow(options.challenge)).consumedAt).not.toBeNull();

    const row = (await credentialRow(key.credentialId))!;
    expect(row.userId).toBe(user.id);
    expect(row.counter).toBe(0);
    expect(row.publicKey).toBeInstanceOf(Uint8Array);
    expect(row.publicKey.length).toBeGreaterThan(60);
    expect(await countCredentials(user.id)).toBe(1);
    expect((await listCredentials(user.id)).map((c) => c.name)).toEqual(["Blue key"]);
    expect(await listCredentials(user.id)).not.toHaveProperty("0.publicKey");

    // The same registration again: its challenge is used up.
    const again = await rejection(finishRegistration(user.id, registration, "Blue key"));
    expect(again.code).toBe(ErrorCodes.INVALID_CODE);
    expect(again.message).toBe("The security key could not be registered. Try again.");
    // New options exclude the key already registered.
    expect((await registrationOptions(user)).excludeCredentials).toEqual([{ id: key.credentialId, type: "public-key", transports: ["usb"] }]);
  });

  it("refuses a registration from another origin, for another RP ID, or on another user's challenge", async () => {
    const user = await createUser();
    const other = await createUser();
    const key = newAuthenticator();
    for (const overrides of [{ origin: "http://evil.test" }, { rpId: "evil.test" }, { type: "webauthn.get" }]) {
      const options = await registrationOptions(user);
      const err = await rejection(finishRegistration(user.id, key.register(options, overrides), "Key"));
      expect(err.code).toBe(ErrorCodes.INVALID_CODE);
    }
    const options = await registrationOptions(user);
    expect((await rejection(finishRegistration(other.id, key.register(options), "Key"))).code).toBe(ErrorCodes.INVALID_CODE);
    expect(await countCredentials(user.id)).toBe(0);
    expect(await countCredentials(other.id)).toBe(0);
  });

  it("checks the key's name before using up the challenge", async () => {
    const user = await createUser();
    const key = newAuthenticator();
    const options = await registrationOptions(user);
    const registration = key.register(options);
    for (const bad of ["", "   ", "x".repeat(61)]) {
      const err = await rejection(finishRegistration(user.id, registration, bad));
      expect(err.code).toBe(ErrorCodes.INVALID_INPUT);
      expect(err.field).toBe("name");
    }
    await expect(finishRegistration(user.id, registration, "x".repeat(60))).resolves.toMatchObject({ name: "x".repeat(60) });
  });

  it("verifies a 2FA assertion and moves the counter and last use", async () => {
    const { user, key } = await withKey();
    const options = await authenticationOptions(user.id);
    expect(options.rpId).toBe("latchkey.test");
    expect(options.userVerification).toBe("preferred");
    expect(options.allowCredentials).toEqual([{ id: key.credentialId, type: "public-key", transports: ["usb"] }]);
    expect(await challengeRow(options.challenge)).toMatchObject({ purpose: "authenticate", userId: user.id });

    const result = await finishAuthentication(key.authenticate(options), { userId: user.id, requireUserVerification: true });
    expect(result).toEqual({ userId: user.id, credentialId: key.credentialId, userVerified: true });
    const row = (await credentialRow(key.credentialId))!;
    expect(row.counter).toBe(1);
    expect(row.lastUsedAt).not.toBeNull();

    await expect(twoFactor(user.id, key)).resolves.toMatchObject({ userId: user.id });
    expect((await credentialRow(key.credentialId))!.counter).toBe(2);
  });

  it("refuses a replayed assertion: the challenge verifies once", async () => {
    const { user, key } = await withKey();
    const options = await authenticationOptions(user.id);
    const assertion = key.authenticate(options);
    await finishAuthentication(assertion, { userId: user.id, requireUserVerification: false });
    const err = await rejection(finishAuthentication(assertion, { userId: user.id, requireUserVerification: false }));
    expect(err.code).toBe(ErrorCodes.INVALID_CODE);
    expect(err.message).toBe(VERIFY_FAILED);
    expect((await credentialRow(key.credentialId))!.counter).toBe(1);
  });

  it("parallel submissions of one assertion give exactly one success", async () => {
    const { user, key } = await withKey();
    const assertion = key.authenticate(await authenticationOptions(user.id));
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => finishAuthentication(assertion, { userId: user.id, requireUserVerification: false })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await credentialRow(key.credentialId))!.counter).toBe(1);
  });

  it("refuses an assertion made for another origin or another RP ID", async () => {
    const { user, key } = await withKey();
    expect((await rejection(twoFactor(user.id, key, { origin: "http://evil.test" }))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await rejection(twoFactor(user.id, key, { origin: "https://latchkey.test" }))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await rejection(twoFactor(user.id, key, { rpId: "evil.test" }))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await rejection(twoFactor(user.id, key, { rpId: "sub.latchkey.test" }))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await credentialRow(key.credentialId))!.lastUsedAt).toBeNull();
    expect(logged()).toContain("evil.test");
  });

  it("refuses a challenge the server never issued, and an expired one", async () => {
    const { user, key } = await withKey();
    const options = await authenticationOptions(user.id);
    expect((await rejection(twoFactor(user.id, key, { challenge: "bm90LWEtcmVhbC1jaGFsbGVuZ2U" }))).code).toBe(ErrorCodes.INVALID_CODE);
    await db
      .update(webauthnChallenges)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(webauthnChallenges.challenge, options.challenge));
    const err = await rejection(finishAuthentication(key.authenticate(options), { userId: user.id, requireUserVerification: false }));
    expect(err.code).toBe(ErrorCodes.INVALID_CODE);
  });

  it("refuses an assertion without user verification when it is required, accepts it when not", async () => {
    const { user, key } = await withKey();
    const err = await rejection(twoFactor(user.id, key, { uv: false }, true));
    expect(err.code).toBe(ErrorCodes.INVALID_CODE);
    expect(await twoFactor(user.id, key, { uv: false }, false)).toMatchObject({ userId: user.id, userVerified: false });
    // No user presence is never enough.
    expect((await rejection(twoFactor(user.id, key, { up: false, uv: false }, false))).code).toBe(ErrorCodes.INVALID_CODE);
  });

  it("refuses a counter that does not grow (a cloned key) and leaves the stored counter as it was", async () => {
    const { user, key } = await withKey();
    await twoFactor(user.id, key, { counter: 5 });
    expect((await credentialRow(key.credentialId))!.counter).toBe(5);
    const copy = key.clone();
    for (const counter of [5, 3, 0]) {
      const err = await rejection(twoFactor(user.id, copy, { counter }));
      expect(err.code).toBe(ErrorCodes.INVALID_CODE);
      expect((await credentialRow(key.credentialId))!.counter).toBe(5);
    }
    expect(logged()).toMatch(/counter/i);
    await expect(twoFactor(user.id, key, { counter: 6 })).resolves.toMatchObject({ userId: user.id });
    expect((await credentialRow(key.credentialId))!.counter).toBe(6);
  });

  it("accepts a key that never counts (counter always 0), as passkeys do", async () => {
    const { user, key } = await withKey();
    await twoFactor(user.id, key, { counter: 0 });
    await twoFactor(user.id, key, { counter: 0 });
    expect((await credentialRow(key.credentialId))!.counter).toBe(0);
    // With no counter to catch it, only the one-shot challenge stops a replay.
    const assertion = key.authenticate(await authenticationOptions(user.id), { counter: 0 });
    await finishAuthentication(assertion, { userId: user.id, requireUserVerification: false });
    const err = await rejection(finishAuthentication(assertion, { userId: user.id, requireUserVerification: false }));
    expect(err.code).toBe(ErrorCodes.INVALID_CODE);
  });

  it("refuses another user's key for 2FA, and one user's challenge for another user", async () => {
    const a = await withKey();
    const b = await withKey();
    const err = await rejection(twoFactor(b.user.id, a.key));
    expect(err.code).toBe(ErrorCodes.INVALID_CODE);
    expect((await credentialRow(a.key.credentialId))!.counter).toBe(0);

    const optionsForA = await authenticationOptions(a.user.id);
    const assertion = b.key.authenticate(optionsForA);
    expect((await rejection(finishAuthentication(assertion, { userId: b.user.id, requireUserVerification: false }))).code).toBe(ErrorCodes.INVALID_CODE);
    expect((await credentialRow(b.key.credentialId))!.counter).toBe(0);
  });

  it("asks for no key when the user has none", async () => {
    const user = await createUser();
    expect((await rejection(authenticationOptions(user.id))).code).toBe(ErrorCodes.NOT_FOUND);
  });

  it("discoverable sign-in finds the user from the key alone", async () => {
    const { user, key } = await withKey();
    const options = await authenticationOptions(null);
    expect(options.allowCredentials).toEqual([]);
    expect(await challengeRow(options.challenge)).toMatchObject({ purpose: "login", userId: null });
    const result = await finishAuthentication(key.authenticate(options), { userId: null, requireUserVerification: true });
    expect(result).toEqual({ userId: user.id, credentialId: key.credentialId, userVerified: true });
  });

  it("discoverable sign-in refuses a missing or foreign user handle, and a 2FA challenge", async () => {
    const { user, key } = await withKey();
    const other = await createUser();
    const foreign = Buffer.from(other.id, "utf8").toString("base64url");
    for (const userHandle of [null, foreign]) {
      const options = await authenticationOptions(null);
      const err = await rejection(finishAuthentication(key.authenticate(options, { userHandle }), { userId: null, requireUserVerification: false }));
      expect(err.code).toBe(ErrorCodes.INVALID_CODE);
    }
    // A challenge issued for 2FA is not a sign-in challenge, and the reverse.
    const twoFactorOptions = await authenticationOptions(user.id);
    expect((await rejection(finishAuthentication(key.authenticate(twoFactorOptions), { userId: null, requireUserVerification: false }))).code).toBe(
      ErrorCodes.INVALID_CODE,
    );
    const loginOptions = await authenticationOptions(null);
    expect((await rejection(finishAuthentication(key.authenticate(loginOptions), { userId: user.id, requireUserVerification: false }))).code).toBe(
      ErrorCodes.INVALID_CODE,
    );
  });

  it("a removed key is not registered any more (NOT_FOUND); only its owner can remove it", async () => {
    const { user, key } = await withKey();
    const other = await createUser();
    expect((await rejection(removeCredential(other.id, key.credentialId))).code).toBe(ErrorCodes.NOT_FOUND);
    expect(await countCredentials(user.id)).toBe(1);

    await removeCredential(user.id, key.credentialId);
    expect(await countCredentials(user.id)).toBe(0);
    const options = await authenticationOptions(null);
    const err = await rejection(finishAuthentication(key.authenticate(options), { userId: null, requireUserVerification: false }));
    expect(err.code).toBe(ErrorCodes.NOT_FOUND);
    expect(err.message).toBe("This security key is not registered to an account. Use another method.");
  });

  it("renames only the owner's key, with the same name rules", async () => {
    const { user, key } = await withKey();
    const other = await createUser();
    await renameCredential(user.id, key.credentialId, "  Office   key ");
    expect((await listCredentials(user.id))[0]!.name).toBe("Office key");
    expect((await rejection(renameCredential(other.id, key.credentialId, "Mine now"))).code).toBe(ErrorCodes.NOT_FOUND);
    const err = await rejection(renameCredential(user.id, key.credentialId, " "));
    expect(err.field).toBe("name");
    expect((await listCredentials(user.id))[0]!.name).toBe("Office key");
  });
});
