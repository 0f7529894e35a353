// The Manager's account search: text and status, kept with the "missing phone" filter; the text's
// problem (a character that cannot be searched) shown beside the box.
export function AccountSearch({ q, status, phone, error }: { q?: string; status?: string; phone?: string; error?: string }) {
  return (
    <form method="get" className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-end" role="search">
      <div className="min-w-0">
        <label htmlFor="q" className="block text-sm font-medium">
          Search
        </label>
        <input
          id="q"
          name="q"
          type="search"
          defaultValue={q}
          placeholder="Name, email or phone"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "q-error" : undefined}
          className="mt-1 block h-10 w-full rounded-md border border-slate-300 bg-white px-3"
        />
      </div>
      <div>
        <label htmlFor="status" className="block text-sm font-medium">
          Status
        </label>
        <select id="status" name="status" defaultValue={status ?? ""} className="mt-1 block h-10 w-full rounded-md border border-slate-300 bg-white px-3">
          <option value="">Any</option>
          <option value="active">Active</option>
          <option value="pending">Pending</option>
          <option value="blocked">Blocked</option>
        </select>
      </div>
      {phone ? <input type="hidden" name="phone" value={phone} /> : null}
      <button type="submit" className="h-10 rounded-md bg-brand-600 px-5 text-sm font-semibold text-white hover:bg-brand-700">
        Search
      </button>
      {error ? (
        <p id="q-error" className="text-sm text-red-700 sm:col-span-3">
          {error}
        </p>
      ) : null}
    </form>
  );
}
