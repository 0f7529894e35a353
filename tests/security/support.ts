// Shared helpers of the lib-level attack cases (tests/security/*.test.ts).

/** A 6-digit code different from `code` in every digit. */
export const wrongCode = (code: string, shift = 1) => code.replace(/\d/g, (d) => String((Number(d) + shift) % 10));

/** Settles every promise and splits the outcomes. */
export async function settle<T>(promises: Promise<T>[]) {
  const results = await Promise.allSettled(promises);
  return {
    ok: results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])),
    errors: results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as unknown),
  };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
