import "server-only";
// Password rules (NIST SP 800-63B: length and a blocklist, no composition rules) and argon2id hashing.
import { readFileSync } from "node:fs";
import path from "node:path";
import { hash, verify, type Algorithm } from "@node-rs/argon2";
import { env } from "../env";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
// `Algorithm` is an ambient const enum; 2 is its Argon2id member.
const ARGON = { algorithm: 2 as Algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  if (!common) {
    const file = path.join(process.cwd(), "lib", "passwords", "common-passwords.txt");
    common = new Set(
      readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l && !l.startsWith("#")),
    );
  }
  return common;
}

export const normalizePassword = (p: string) => p.normalize("NFKC");
export const codePointLength = (s: string) => Array.from(s).length;

/** Returns a message explaining why the password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email?: string | null): string | null {
  const p = normalizePassword(password);
  const len = codePointLength(p);
  if (len < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (len > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  if (commonPasswords().has(p.toLowerCase())) return "This password is too common. Choose one that is harder to guess.";
  if (email && p.toLowerCase() === email.trim().toLowerCase()) return "Your password cannot be your email address.";
  return null;
}

// Each argon2id hash holds ~19 MiB; bound how many run at once so memory stays flat under load.
let running = 0;
const queue: Array<() => void> = [];

async function bounded<T>(fn: () => Promise<T>): Promise<T> {
  // A finishing task hands its slot straight to the next waiter, so the bound is never exceeded.
  if (running >= env().LATCHKEY_HASH_CONCURRENCY) await new Promise<void>((r) => queue.push(r));
  else running++;
  try {
    return await fn();
  } finally {
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  const p = normalizePassword(password);
  if (codePointLength(p) > PASSWORD_MAX) throw new Error("password too long to hash");
  return bounded(() => hash(p, ARGON));
}

/**
 * Checks a password against a stored argon2id hash (`account` names the account in the log). A
 * stored hash that cannot be read — corrupt, or from another scheme — refuses the sign-in and is
 * logged, never silently treated as a wrong password.
 */
export async function verifyPassword(stored: string | null | undefined, password: string, account?: string): Promise<boolean> {
  const p = normalizePassword(password);
  // Refuse oversize input before any hashing; still spend the same time so the reply says nothing.
  if (codePointLength(p) > PASSWORD_MAX) return false;
  return bounded(async () => {
    if (!stored) {
      await verify(await dummyHash(), p).catch(() => false);
      return false;
    }
    try {
      return await verify(stored, p);
    } catch (err) {
      console.error(
        `password check: the stored password hash of account ${account ?? "(unknown)"} cannot be read (${err instanceof Error ? err.message : String(err)}); the sign-in is refused`,
      );
      return false;
    }
  });
}

let dummy: Promise<string> | undefined;
// A real hash to verify against when there is no account, so unknown identifiers cost the same time.
function dummyHash(): Promise<string> {
  if (!dummy) dummy = hash("latchkey-dummy-password", ARGON);
  return dummy;
}
