"use client";
// The form-level outcome of an action, announced to screen readers.
import { useEffect, useRef } from "react";
import type { FormState } from "@/lib/action";
import { fieldsNeedAttention } from "@/lib/shared/errors";

/**
 * The banner above a form. A field's own problem is shown next to that field, never repeated here:
 * `fields` names the fields this form shows, and when any of them is refused the banner only counts
 * them ("2 fields need attention"; a single one is announced without a banner) and the first refused
 * field takes the focus. A problem of a field the form does not show, and a form-level one, is told
 * here. Without `fields`, the banner says the action's message (for refused fields, how many need attention).
 */
export function FormMessage({ state, fields }: { state: FormState; fields?: readonly string[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const errors = (state && !state.ok && state.fieldErrors) || {};
  const shown = fields ? Object.keys(errors).filter((k) => fields.includes(k)) : [];
  const hidden = fields
    ? Object.entries(errors)
        .filter(([k]) => !fields.includes(k))
        .map(([, m]) => m)
    : [];
  const refusedField = shown.length > 0;
  useEffect(() => {
    if (!refusedField) return;
    const form = ref.current?.closest("form");
    const first = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.focus();
  }, [state, refusedField]);
  if (!state?.message && !refusedField) return <div ref={ref} aria-live="polite" className="sr-only" />;
  const ok = state?.ok;
  if (refusedField) {
    const extra = [...new Set(hidden)];
    const text = [fieldsNeedAttention(shown.length), ...extra].join(" ");
    return (
      <div
        ref={ref}
        role="alert"
        className={shown.length > 1 || extra.length ? "rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900" : "sr-only"}
      >
        {text}
      </div>
    );
  }
  return (
    <div
      ref={ref}
      role={ok ? "status" : "alert"}
      className={`rounded-md border px-3 py-2 text-sm ${ok ? "border-green-300 bg-green-50 text-green-900" : "border-red-300 bg-red-50 text-red-900"}`}
    >
      {state?.message}
    </div>
  );
}

export function Notice({ tone = "info", children }: { tone?: "info" | "warning"; children: React.ReactNode }) {
  return (
    <div
      role="status"
      className={`rounded-md border px-3 py-2 text-sm ${tone === "warning" ? "border-amber-300 bg-amber-50 text-amber-950" : "border-blue-200 bg-blue-50 text-blue-950"}`}
    >
      {children}
    </div>
  );
}
