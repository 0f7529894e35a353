import "server-only";
// Random tokens, keyed hashes of secrets at rest, and constant-time comparison.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { env } from "./env";

let hmacKey: Buffer | undefined;

function key(): Buffer {
  if (!hmacKey) hmacKey = Buffer.from(hkdfSync("sha256", env().secret, "latchkey", "latchkey hmac v1", 32));
  return hmacKey;
}

/** HMAC-SHA-256 of a secret (codes, tokens, session ids) as stored in the database. */
export function hashSecret(value: string): string {
  return createHmac("sha256", key()).update(value).digest("base64url");
}

/** A URL-safe random token with `bytes` bytes of entropy (default 256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** A string of `length` decimal digits from a CSPRNG. */
export function randomDigits(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += randomInt(0, 10).toString();
  return out;
}

export const newId = () => randomUUID();

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

let aesKey: Buffer | undefined;
const aes = () => (aesKey ??= Buffer.from(hkdfSync("sha256", env().secret, "latchkey", "latchkey aes-256-gcm v1", 32)));

/** AES-256-GCM for provider credentials at rest: "v1.<iv>.<tag>.<ciphertext>" (base64url parts). */
export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", aes(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function decryptSecret(sealed: string): string {
  const [v, iv, tag, body] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || body === undefined) throw new Error("not an encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", aes(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

/** "••••1234": enough to recognise a secret, never enough to use it. */
export function maskSecret(plain: string | null | undefined): string {
  if (!plain) return "";
  return plain.length <= 8 ? "••••" : `••••${plain.slice(-4)}`;
}
