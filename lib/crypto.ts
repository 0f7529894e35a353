import "server-only";
// Random tokens, keyed hashes of secrets at rest, and constant-time comparison.
import { createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual, hkdfSync } from "node:crypto";
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
