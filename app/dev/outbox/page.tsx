import { notFound } from "next/navigation";
import { listOutbox, outboxEnabled } from "@/lib/delivery/outbox";
import { searchText } from "@/lib/shared/text-input";

export const metadata = { title: "Outbox" };
export const dynamic = "force-dynamic";

// Messages that no provider delivered (development only): what would have been emailed or texted.
export default async function OutboxPage({ searchParams }: { searchParams: Promise<{ to?: string }> }) {
  if (!outboxEnabled()) notFound();
  const parsed = searchText(254).safeParse((await searchParams).to);
  const to = parsed.success ? parsed.data : undefined;
  const error = parsed.success ? undefined : parsed.error.issues[0]!.message;
  const rows = error ? [] : await listOutbox(to);
  return (
    <main id="main" className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Development outbox</h1>
      <p className="mt-1 text-sm text-slate-600">Emails and SMS sent while no provider is configured, newest first.</p>
      <form className="mt-4 flex flex-wrap items-end gap-2" method="get">
        <div>
          <label htmlFor="to" className="block text-sm font-medium">
            Recipient
          </label>
          <input
            id="to"
            name="to"
            defaultValue={to}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "to-error" : undefined}
            className="rounded-md border border-slate-300 px-3 py-2"
          />
          {error ? (
            <p id="to-error" className="text-sm text-red-700">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 font-semibold text-white">
          Filter
        </button>
      </form>
      <ol className="mt-6 space-y-4">
        {rows.map((m) => (
          <li key={m.id} className="rounded-lg border border-slate-200 bg-white p-4">
            <p className="text-xs text-slate-600">
              #{m.id} · {m.channel.toUpperCase()} · to {m.to} · {m.createdAt.toISOString()}
            </p>
            {m.subject ? <h2 className="mt-1 font-semibold">{m.subject}</h2> : null}
            <pre className="mt-2 whitespace-pre-wrap break-words font-sans text-sm">{m.body}</pre>
          </li>
        ))}
        {rows.length === 0 ? <li className="text-sm text-slate-600">No messages.</li> : null}
      </ol>
    </main>
  );
}
