import { useEffect, useRef } from 'preact/hooks';
import { filterParams, PAGE_SIZES, STORED_STATUSES, viewFromQuery, type StreamsView } from '../../lib/filters';

// Every filter of GET /1/streams as a form; submitting it puts them in the URL (page 1).

const TEXT_FIELDS = [
  { key: 'account_id', label: 'Account id', placeholder: 'every account' },
  { key: 'names', label: 'Names', placeholder: 'cam-1,cam-2' },
  { key: 'stream_ids', label: 'Stream ids', placeholder: 'id,id' },
  { key: 'reference', label: 'Source reference', placeholder: 'rtsp://…' },
  { key: 'group_name', label: 'Group name', placeholder: 'entrance' },
  { key: 'create_time__gte', label: 'Created from', placeholder: '2026-12-01T00:00:00Z' },
  { key: 'create_time__lt', label: 'Created before', placeholder: '2026-12-02T00:00:00Z' },
] as const;

export function FiltersForm({ view, onChange }: { view: StreamsView; onChange(view: StreamsView): void }) {
  const values = filterParams(view.filters);
  const first = useRef<HTMLInputElement>(null);
  // "/" jumps to the filters, as in most consoles.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) {
        e.preventDefault();
        first.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const query: Record<string, string> = {};
    for (const { key } of TEXT_FIELDS) query[key] = String(form.get(key) ?? '');
    query.statuses = form.getAll('statuses').map(String).join(',');
    query.page_size = String(form.get('page_size') ?? '');
    onChange({ ...viewFromQuery(query), page: 1 });
  };

  return (
    <form class="filters" onSubmit={submit} aria-label="Stream filters" key={values.toString()}>
      {TEXT_FIELDS.map(({ key, label, placeholder }, i) => (
        <label key={key}>
          {label}
          <input
            name={key}
            ref={i === 0 ? first : undefined}
            defaultValue={values.get(key) ?? ''}
            placeholder={placeholder}
            spellcheck={false}
          />
        </label>
      ))}
      <fieldset>
        <legend>Statuses</legend>
        {STORED_STATUSES.map((status) => (
          <label key={status} class="check">
            <input
              type="checkbox"
              name="statuses"
              value={status}
              defaultChecked={view.filters.statuses?.includes(status) ?? false}
            />
            {status}
          </label>
        ))}
      </fieldset>
      <label>
        Page size
        <select name="page_size">
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n} selected={n === view.page_size}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <div class="buttons">
        <button type="submit">Apply filters</button>
        <a href="/console/streams" class="button secondary">
          Clear
        </a>
      </div>
    </form>
  );
}
