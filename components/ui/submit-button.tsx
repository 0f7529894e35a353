"use client";
// A submit button that shows progress while its form's action runs (and works as a plain button without JS).
import { useFormStatus } from "react-dom";

export function SubmitButton({
  children,
  pendingText,
  variant = "primary",
  name,
  value,
  wide = false,
  disabled = false,
}: {
  children: React.ReactNode;
  pendingText?: string;
  variant?: "primary" | "secondary" | "danger" | "danger-outline";
  name?: string;
  value?: string;
  /** The form's main action, as wide as the form. */
  wide?: boolean;
  disabled?: boolean;
}) {
  const { pending } = useFormStatus();
  const styles = {
    primary: "bg-brand-600 text-white hover:bg-brand-700",
    secondary: "bg-white text-slate-800 border border-slate-300 hover:bg-slate-100",
    danger: "bg-red-700 text-white hover:bg-red-800 dark:bg-red-600 dark:hover:bg-red-500",
    "danger-outline": "border border-red-700 bg-transparent text-red-700 hover:bg-red-50",
  }[variant];
  return (
    <button
      type="submit"
      name={name}
      value={value}
      aria-disabled={pending}
      disabled={disabled || undefined}
      className={`${wide ? "flex w-full" : "inline-flex"} min-h-10 items-center justify-center rounded-md px-4 py-2 text-sm font-semibold shadow-sm disabled:opacity-60 ${styles}`}
    >
      {pending && pendingText ? pendingText : children}
    </button>
  );
}
