import "server-only";
// Answers that must not tell whether an account exists take the same time either way (ASVS V6).
// Each such flow says which branch it took (the account's work — a lookup that found someone, a
// new account — or not); both branches are then held until the 90th percentile of the recent
// durations of whichever branch is slower, so existing and unknown identifiers answer in the same
// time unless one answer is unusually slow. The durations are per process: they are timing
// statistics, not limits.
const WINDOW = 64;
const QUANTILE = 0.9;
const MAX_WAIT_MS = 3_000;
const samples = new Map<string, number[]>();

export type Stopwatch = { flow: string; start: number };

export const stopwatch = (flow: string): Stopwatch => ({ flow, start: performance.now() });

function quantile(list: number[] | undefined): number {
  if (!list?.length) return 0;
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(QUANTILE * sorted.length))]!;
}

/**
 * Waits until the flow's usual answer time. `didWork` says which branch the answer took; its own
 * duration is recorded before it waits.
 */
export async function evenOut(w: Stopwatch, didWork: boolean) {
  const elapsed = performance.now() - w.start;
  const key = `${w.flow}:${didWork ? "work" : "none"}`;
  const list = samples.get(key) ?? [];
  list.push(elapsed);
  if (list.length > WINDOW) list.shift();
  samples.set(key, list);
  const target = Math.max(quantile(samples.get(`${w.flow}:work`)), quantile(samples.get(`${w.flow}:none`)));
  const wait = Math.min(target, MAX_WAIT_MS) - elapsed;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/** Runs `fn` and evens out its answer time; `fn` says whether it took the working branch. */
export async function uniformTime(flow: string, fn: () => Promise<boolean>): Promise<void> {
  const w = stopwatch(flow);
  const didWork = await fn();
  await evenOut(w, didWork);
}
