// A phone number with its country selector (P3). Both controls are labelled; errors sit next to the field.
export type CountryOption = { value: string; label: string };

export function PhoneField({
  name = "phone",
  label = "Phone number",
  countries,
  defaultCountry,
  defaultValue,
  error,
  countryError,
  required = true,
  autoFocus = false,
}: {
  name?: string;
  label?: string;
  countries: CountryOption[];
  defaultCountry: string;
  defaultValue?: string;
  error?: string;
  countryError?: string;
  required?: boolean;
  /** The number takes the focus when the page opens (the step's only field). */
  autoFocus?: boolean;
}) {
  const id = `field-${name}`;
  const countryId = `${id}-country`;
  // The number gets the wide column; both controls share one height; each error sits under its control.
  const control = "block h-11 w-full rounded-md border bg-white px-3 text-base";
  return (
    <div className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
      <div className="min-w-0 space-y-1">
        <label htmlFor={countryId} className="block text-sm font-medium text-slate-800">
          Country
        </label>
        <select
          id={countryId}
          name={`${name}Country`}
          defaultValue={defaultCountry}
          autoComplete="tel-country-code"
          aria-invalid={countryError ? true : undefined}
          aria-describedby={countryError ? `${countryId}-error` : undefined}
          className={`${control} ${countryError ? "border-red-600" : "border-slate-300"}`}
        >
          {countries.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        {countryError ? (
          <p id={`${countryId}-error`} className="text-sm text-red-700">
            {countryError}
          </p>
        ) : null}
      </div>
      <div className="min-w-0 space-y-1">
        <label htmlFor={id} className="block text-sm font-medium text-slate-800">
          {label}
        </label>
        <input
          id={id}
          name={name}
          type="tel"
          inputMode="tel"
          autoComplete="tel-national"
          required={required}
          autoFocus={autoFocus}
          maxLength={40}
          defaultValue={defaultValue}
          key={defaultValue}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className={`${control} ${error ? "border-red-600" : "border-slate-300"}`}
        />
        {error ? (
          <p id={`${id}-error`} className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </div>
    </div>
  );
}
