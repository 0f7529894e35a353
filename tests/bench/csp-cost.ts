// The cost of the Content-Security-Policy on a page rendered on request (B5), measured in this
// process: a fresh nonce and the policy built around it, as proxy.ts does for every such document.
// Printed by `npm run bench`; run alone with `npx tsx tests/bench/csp-cost.ts`.
import { contentSecurityPolicy, newNonce } from "../../lib/csp";

const ROUNDS = 200_000;

function perCall(fn: () => unknown): number {
  for (let i = 0; i < 10_000; i++) fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) fn();
  return Number(process.hrtime.bigint() - start) / ROUNDS / 1000;
}

const nonceOnly = perCall(() => newNonce());
const policy = perCall(() => contentSecurityPolicy({ nonce: newNonce(), https: true }));
const header = contentSecurityPolicy({ nonce: newNonce(), https: true });
const result = { nonceMicroseconds: +nonceOnly.toFixed(2), nonceAndPolicyMicroseconds: +policy.toFixed(2), headerBytes: Buffer.byteLength(header) };
console.log(JSON.stringify(result));
