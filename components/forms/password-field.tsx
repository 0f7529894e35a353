"use client";
// A password input with a Show/Hide button. The button appears once the page has hydrated: before
// that the field is a plain password input and the form posts as usual.
import { useState, useSyncExternalStore } from "react";

const noSubscription = () => () => {};
/** False in the server's HTML and during hydration, true once the page runs in the browser. */
export const useHydrated = () =>
  useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

export function PasswordField({
  label,
  name,
  autoComplete,
  error,
  hint,
  labelAside,
  id,
}: {
  label: string;
  name: string;
  autoComplete: "current-password" | "new-password";
  error?: string;
  hint?: string;
  labelAside?: React.ReactNode;
  id?: string;
}) {
  const inputId = id ?? `field-${name}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const hydrated = useHydrated();
  const [visible, setVisible] = useState(false);
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
          {label}
        </label>
        {labelAside}
      </div>
      {hint ? (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <div className="relative">
        <input
          id={inputId}
          name={name}
          type={visible ? "text" : "password"}
          autoComplete={autoComplete}
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
          className={`block w-full rounded-md border bg-white py-2 pl-3 text-base shadow-sm focus:border-brand-600 ${hydrated ? "pr-20" : "pr-3"} ${
            error ? "border-red-600" : "border-slate-300"
          }`}
        />
        {hydrated ? (
          <button
            type="button"
            aria-controls={inputId}
            onClick={() => setVisible((v) => !v)}
            className="absolute inset-y-1 right-1 rounded px-3 text-sm font-medium text-brand-700 hover:bg-slate-100"
          >
            {visible ? "Hide" : "Show"}
            <span className="sr-only"> password</span>
          </button>
        ) : null}
      </div>
      {error ? (
        <p id={errorId} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
