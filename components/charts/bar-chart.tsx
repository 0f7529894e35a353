// A small bar chart drawn on the server as SVG: no script, no library. Each chart carries its text
// alternative — a one-line summary read with the picture, and the numbers in a table under it.

export type Series = { label: string; values: number[]; tone: "brand" | "red" | "green" | "amber" | "slate" };

const FILL: Record<Series["tone"], string> = {
  brand: "fill-blue-600",
  red: "fill-red-500",
  green: "fill-green-600",
  amber: "fill-amber-500",
  slate: "fill-slate-400",
};
const SWATCH: Record<Series["tone"], string> = {
  brand: "bg-blue-600",
  red: "bg-red-500",
  green: "bg-green-600",
  amber: "bg-amber-500",
  slate: "bg-slate-400",
};

const W = 560;
const H = 180;
const PAD = { top: 12, right: 8, bottom: 24, left: 32 };

/** A round upper bound for the axis: 1, 2, 5, 10, 20, 50… at or above `n`. */
function niceMax(n: number) {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= n)!;
}

export function BarChart({
  id,
  title,
  summary,
  labels,
  series,
  limit,
}: {
  id: string;
  title: string;
  /** What the chart shows in one sentence: its text alternative. */
  summary: string;
  /** One label per bar group (days). */
  labels: string[];
  series: Series[];
  /** A horizontal line (the daily budget), with its label. */
  limit?: { value: number; label: string };
}) {
  const highest = Math.max(1, ...series.flatMap((s) => s.values));
  // A budget far above the bars would flatten them: it is then written, not drawn.
  const drawLimit = limit && limit.value <= Math.max(4 * highest, 10) ? limit : undefined;
  const top = niceMax(Math.max(highest, drawLimit?.value ?? 0));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const group = plotW / labels.length;
  const barW = Math.max(2, (group * 0.7) / series.length);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  return (
    <figure className="min-w-0 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="text-base font-semibold">
        {title}
      </h2>
      <p id={`${id}-summary`} className="mt-1 text-sm text-slate-600">
        {summary}
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-summary`} className="mt-3 h-auto w-full">
        {(Number.isInteger(top / 2) ? [0, top / 2, top] : [0, top]).map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} className="stroke-slate-200" strokeWidth={1} />
            <text x={PAD.left - 6} y={y(t) + 4} textAnchor="end" className="fill-slate-600 text-[11px]">
              {t}
            </text>
          </g>
        ))}
        {labels.map((label, i) => (
          <g key={label}>
            {series.map((s, j) => {
              const v = s.values[i] ?? 0;
              return (
                <rect
                  key={s.label}
                  x={PAD.left + i * group + (group - barW * series.length) / 2 + j * barW}
                  y={y(v)}
                  width={barW}
                  height={Math.max(0, y(0) - y(v))}
                  className={FILL[s.tone]}
                >
                  <title>{`${s.label}, ${label}: ${v}`}</title>
                </rect>
              );
            })}
            {i % Math.ceil(labels.length / 7) === 0 ? (
              <text x={PAD.left + i * group + group / 2} y={H - 6} textAnchor="middle" className="fill-slate-600 text-[11px]">
                {label}
              </text>
            ) : null}
          </g>
        ))}
        {drawLimit ? (
          <g>
            <line
              x1={PAD.left}
              x2={W - PAD.right}
              y1={y(drawLimit.value)}
              y2={y(drawLimit.value)}
              className="stroke-red-700"
              strokeWidth={1.5}
              strokeDasharray="6 4"
            />
            <text x={W - PAD.right} y={y(drawLimit.value) - 4} textAnchor="end" className="fill-red-700 text-[11px]">
              {drawLimit.label}
            </text>
          </g>
        ) : null}
      </svg>
      <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
        {series.map((s) => (
          <li key={s.label} className="flex items-center gap-1.5">
            <span className={`inline-block h-2.5 w-2.5 rounded-sm ${SWATCH[s.tone]}`} />
            {s.label}
          </li>
        ))}
        {limit ? (
          <li className="flex items-center gap-1.5">
            <span className="inline-block h-0 w-3 border-t-2 border-dashed border-red-700" />
            {limit.label}
            {drawLimit ? null : ", above the top of the chart"}
          </li>
        ) : null}
      </ul>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-700">The numbers</summary>
        <div className="mt-2 overflow-x-auto">
          <table className="text-left text-xs">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col" className="py-1 pr-3">
                  Day
                </th>
                {series.map((s) => (
                  <th key={s.label} scope="col" className="py-1 pr-3">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) => (
                <tr key={label}>
                  <th scope="row" className="py-0.5 pr-3 font-normal">
                    {label}
                  </th>
                  {series.map((s) => (
                    <td key={s.label} className="py-0.5 pr-3 tabular-nums">
                      {s.values[i] ?? 0}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
