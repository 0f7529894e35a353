"use client";
// "Send a new code" with its cooldown: until the server's cooldown end it is disabled and counts the
// seconds down ("Send a new code in 24 s"). The end comes from the server (the page on load, then
// each answer), so a reload keeps it. Before the page runs it is a plain submit button: the server
// answers an early request with how long to wait.
import { useEffect, useState } from "react";
import { SubmitButton } from "@/components/ui/submit-button";
import { useHydrated } from "./password-field";

/** Seconds left until `until` (milliseconds since 1970), ticking once a second; 0 when past. */
function useSecondsLeft(until: number | null | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(() => {
      tick();
      if (Date.now() >= until) clearInterval(timer);
    }, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [until]);
  return until ? Math.max(0, Math.ceil((until - now) / 1000)) : 0;
}

export function ResendButton({
  until,
  children = "Send a new code",
  variant = "secondary",
}: {
  /** The cooldown's end, in milliseconds since 1970, or nothing when a code may be asked for now. */
  until?: number | null;
  children?: string;
  variant?: "primary" | "secondary";
}) {
  const hydrated = useHydrated();
  const left = useSecondsLeft(until);
  const waiting = hydrated && left > 0;
  return (
    <SubmitButton variant={variant} pendingText="Sending…" disabled={waiting}>
      {waiting ? `${children} in ${left} s` : children}
    </SubmitButton>
  );
}
