import { notFound } from "next/navigation";
import { listOutbox, outboxEnabled } from "@/lib/delivery/outbox";
import { searchText } from "@/lib/shared/text-input";
import { formatDateTime } from "@/lib/shared/format";
import { container } from "@/components/layout/container";

export const metadata = { title: "Outbox" };
export const dynamic = "force-dynamic";

const OPEN_PREVIEWS = 5;
const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/** The text of a message with its addresses as links (they are the site's own: confirmation, reset). */
function Linked({ text }: { text: string }) {
  return (
    <>
      {text.split(URL_PATTERN).map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} className="text-brand-600 underline [overflow-wrap:anywhere]">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </>
  );
}

// Messages that no provider delivered (development only): what would have been emailed or texted.
export default async function OutboxPage({ searchParams }: { searchParams: Promise<{ to?: string }> }) {
  if (!outboxEnabled()) notFound();
  const parsed = searchText(254).safeParse((await searchParams).to);
  const to = parsed.success ? parsed.data : undefined;
  const error = parsed.success ? undefined : parsed.error.issues[0]!.message;
  const rows = error ? [] : await listOutbox(to);
  return (
    <main id="main" className={`${container} py-8`}>
      <h1 className="text-2xl font-semibold">Development outbox</h1>
      <p className="mt-1 text-sm text-slate-600">
        Emails and SMS sent while no provider is configured, newest first. Links open as they would from the message.
      </p>
      <form className="mt-4 flex flex-wrap items-end gap-2" method="get">
        <div className="min-w-0 flex-1 sm:flex-none">
          <label htmlFor="to" className="block text-sm font-medium">
            Recipient
          </label>
          <input
            id="to"
            name="to"
            defaultValue={to}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "to-error" : undefined}
            className="mt-1 block h-10 w-full rounded-md border border-slate-300 bg-white px-3 sm:w-80"
          />
          {error ? (
            <p id="to-error" className="text-sm text-red-700">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" className="h-10 rounded-md bg-brand-600 px-4 font-semibold text-white hover:bg-brand-700">
          Filter
        </button>
      </form>
      <ol className="mt-6 space-y-4">
        {rows.map((m, i) => (
          <li key={m.id} className="rounded-lg border border-slate-200 bg-white p-4">
            <p className="text-xs text-slate-600 [overflow-wrap:anywhere]">
              #{m.id} · {m.channel.toUpperCase()} · to {m.to} · <time dateTime={m.createdAt.toISOString()}>{formatDateTime(m.createdAt)}</time>
            </p>
            {m.subject ? <h2 className="mt-1 font-semibold [overflow-wrap:anywhere]">{m.subject}</h2> : null}
            <div className={`mt-3 grid gap-4 ${m.hasHtml ? "lg:grid-cols-2" : ""}`}>
              <section aria-label={`Text of message ${m.id}`}>
                {m.hasHtml ? <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Text</h3> : null}
                <pre className="whitespace-pre-wrap font-sans text-sm [overflow-wrap:anywhere]">
                  <Linked text={m.body} />
                </pre>
              </section>
              {m.hasHtml ? (
                // The newest emails show their HTML at once; older ones on request (a page of framed emails is heavy).
                <details open={i < OPEN_PREVIEWS} aria-label={`HTML of message ${m.id}`}>
                  <summary className="mb-1 cursor-pointer text-xs font-semibold uppercase tracking-wide text-slate-600">HTML</summary>
                  <iframe
                    src={`/dev/outbox/${m.id}/html`}
                    title={`HTML version of message ${m.id}${m.subject ? `: ${m.subject}` : ""}`}
                    sandbox="allow-popups allow-popups-to-escape-sandbox"
                    data-email-preview
                    loading="lazy"
                    className="h-96 w-full rounded-md border border-slate-200 bg-white"
                  />
                </details>
              ) : null}
            </div>
          </li>
        ))}
        {rows.length === 0 ? <li className="text-sm text-slate-600">No messages.</li> : null}
      </ol>
    </main>
  );
}
