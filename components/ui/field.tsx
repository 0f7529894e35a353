// A labelled input with its hint and error, wired for screen readers (aria-describedby / aria-invalid).
import type { InputHTMLAttributes } from "react";

type Props = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  /** Shown at the end of the label's line (a "Forgot password?" link). */
  labelAside?: React.ReactNode;
  /** The input's width and type face; full width unless given. */
  inputClassName?: string;
};

export function Field({ label, name, error, hint, id, className, labelAside, inputClassName = "w-full", ...input }: Props) {
  const inputId = id ?? `field-${name}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  return (
    <div className={className ?? "space-y-1"}>
      {labelAside ? (
        <div className="flex flex-wrap items-baseline justify-between gap-x-3">
          <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
            {label}
          </label>
          {labelAside}
        </div>
      ) : (
        <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
          {label}
        </label>
      )}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <input
        id={inputId}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        className={`block ${inputClassName} rounded-md border bg-white px-3 py-2 text-base shadow-sm focus:border-brand-600 ${
          error ? "border-red-600" : "border-slate-300"
        }`}
        {...input}
      />
      {error ? (
        <p id={errorId} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Select({
  label,
  name,
  error,
  hint,
  options,
  defaultValue,
  id: idProp,
}: {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  options: Array<{ value: string; label: string }>;
  defaultValue?: string;
  id?: string;
}) {
  const id = idProp ?? `field-${name}`;
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <select
        id={id}
        name={name}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={`block w-full rounded-md border bg-white px-3 py-2 text-base ${error ? "border-red-600" : "border-slate-300"}`}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Checkbox({ label, name, defaultChecked, hint }: { label: string; name: string; defaultChecked?: boolean; hint?: string }) {
  const id = `field-${name}`;
  return (
    <div className="flex items-start gap-3">
      <input
        id={id}
        name={name}
        type="checkbox"
        defaultChecked={defaultChecked}
        aria-describedby={hint ? `${id}-hint` : undefined}
        className="mt-1 h-4 w-4 rounded border-slate-400"
      />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        {hint ? (
          <p id={`${id}-hint`} className="text-xs text-slate-600">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}
