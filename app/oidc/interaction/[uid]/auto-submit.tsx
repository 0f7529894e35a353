"use client";
// Submits the form it is placed in once, right after the page shows: the steps that need no decision
// (continuing as the signed-in person, a first-party app's consent) pass without a click; the
// button stays for browsers without JavaScript.
import { useEffect, useRef } from "react";

export function AutoSubmit() {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const form = ref.current?.closest("form");
    if (form && !form.dataset.submitted) {
      form.dataset.submitted = "1";
      form.requestSubmit();
    }
  }, []);
  return <span ref={ref} hidden />;
}

/** Loads `href` as a full page (not a client-side navigation), once: the browser then sends every cookie of that path. */
export function ReloadOnce({ href }: { href: string }) {
  useEffect(() => {
    window.location.replace(href);
  }, [href]);
  return null;
}
