// Dates as the product shows them: whole days in UTC, written out ("24 November 2026").

/** The UTC calendar day of `at` as YYYY-MM-DD. */
export const dayOf = (at: Date) => at.toISOString().slice(0, 10);

const readable = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** "24 November 2026" for a YYYY-MM-DD day or a Date (its UTC day). */
export function formatDay(day: string | Date): string {
  const at = typeof day === "string" ? new Date(`${day}T00:00:00Z`) : day;
  return readable.format(at);
}

const readableTime = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

/** "24 Nov 2026, 14:05 UTC": the one way the Manager writes a moment (always with its time zone). */
export function formatDateTime(at: Date): string {
  return `${readableTime.format(at)} UTC`;
}
