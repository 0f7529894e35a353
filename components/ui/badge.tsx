// A small coloured label: an account's status, a confirmed address, "admin", "online".
const TONES = {
  green: "border-green-300 bg-green-50 text-green-900",
  amber: "border-amber-300 bg-amber-50 text-amber-950",
  red: "border-red-300 bg-red-50 text-red-900",
  blue: "border-blue-200 bg-blue-50 text-blue-950",
  grey: "border-slate-300 bg-slate-100 text-slate-800",
} as const;

export type BadgeTone = keyof typeof TONES;

export function Badge({ tone = "grey", children, testId }: { tone?: BadgeTone; children: React.ReactNode; testId?: string }) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

/** "Email ✓": the tick is read out as "confirmed". */
export function Check({ label }: { label: string }) {
  return (
    <Badge tone="green">
      {label} <span aria-hidden="true">✓</span>
      <span className="sr-only">confirmed</span>
    </Badge>
  );
}
