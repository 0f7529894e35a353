"use client";
// One line of the security page: what it is, how it stands ("· confirmed", "2 keys"), and a
// "Change" / "Set up" / "Manage" that opens its form in place. A <details> element, so it opens
// without JavaScript; `open` (a pending step, or ?open=<id>) opens it from the server, and a row
// once opened stays open when the page is read again after one of its forms is sent.
import { useState } from "react";

export function SummaryRow({
  id,
  title,
  status,
  action,
  open = false,
  children,
}: {
  id: string;
  title: string;
  status: React.ReactNode;
  /** The word that opens the form ("Change", "Set up", "Manage"); no form when there are no children. */
  action?: string;
  open?: boolean;
  children?: React.ReactNode;
}) {
  const [opened, setOpened] = useState(open);
  if (open && !opened) setOpened(true);
  const headingId = `${id}-h`;
  return (
    <section id={id} aria-labelledby={headingId} className="relative scroll-mt-4 px-4 py-3 sm:px-5">
      <h2 id={headingId} className={`text-base font-semibold text-slate-900 ${children ? "pr-24" : ""}`}>
        {title}
      </h2>
      <div className={`text-sm break-words text-slate-700 ${children ? "pr-24" : ""}`}>{status}</div>
      {children ? (
        <details open={opened || undefined} className="group">
          <summary className="absolute top-2 right-2 flex min-h-10 cursor-pointer list-none items-center rounded-md px-3 text-sm font-semibold text-brand-700 underline hover:bg-slate-100 sm:right-3 [&::-webkit-details-marker]:hidden">
            <span className="group-open:hidden">{action ?? "Change"}</span>
            <span className="hidden group-open:inline">Close</span>
            <span className="sr-only"> {title}</span>
          </summary>
          <div className="mt-4 space-y-4 pb-2">{children}</div>
        </details>
      ) : null}
    </section>
  );
}
