// The form-level outcome of an action, announced to screen readers.
import type { FormState } from "@/lib/action";

export function FormMessage({ state }: { state: FormState }) {
  if (!state?.message) return <div aria-live="polite" className="sr-only" />;
  const ok = state.ok;
  return (
    <div
      role={ok ? "status" : "alert"}
      className={`rounded-md border px-3 py-2 text-sm ${ok ? "border-green-300 bg-green-50 text-green-900" : "border-red-300 bg-red-50 text-red-900"}`}
    >
      {state.message}
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
