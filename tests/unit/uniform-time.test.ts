// lib/uniform-time: the answer that did no work waits as long as the one that did (enumeration, ASVS V6).
// Only lower bounds are asserted: a busy machine can make an answer slower, never faster.
import { describe, expect, it } from "vitest";
import { uniformTime } from "@/lib/uniform-time";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed(flow: string, work: boolean, workMs: number) {
  const start = performance.now();
  await uniformTime(flow, async () => {
    if (work) await sleep(workMs);
    return work;
  });
  return performance.now() - start;
}

describe("uniformTime", () => {
  it("holds the quick branch to the slow branch's usual time", async () => {
    const flow = `test-${Math.random()}`;
    for (let i = 0; i < 5; i++) await timed(flow, true, 60);
    const quick = [];
    for (let i = 0; i < 5; i++) quick.push(await timed(flow, false, 60));
    for (const t of quick) expect(t).toBeGreaterThanOrEqual(55);
  });

  it("holds the slow branch too when the quick one was slower recently (the larger of the two wins)", async () => {
    const flow = `test-${Math.random()}`;
    // The "no account" branch is the slow one here (e.g. a dummy hash).
    for (let i = 0; i < 5; i++) {
      await uniformTime(flow, async () => {
        await sleep(60);
        return false;
      });
    }
    expect(await timed(flow, true, 0)).toBeGreaterThanOrEqual(55);
  });

  it("keeps separate statistics per flow", async () => {
    const slow = `slow-${Math.random()}`;
    const other = `other-${Math.random()}`;
    for (let i = 0; i < 3; i++) await timed(slow, true, 80);
    // A fresh flow has no history, so it answers without waiting: only its own branches count.
    const start = performance.now();
    await uniformTime(other, async () => false);
    const waited = performance.now() - start;
    expect(waited).toBeLessThan(80 + 1000);
    expect(await timed(slow, false, 0)).toBeGreaterThanOrEqual(75);
  });
});
