import { useCallback, useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Empty, ErrorNote } from '../../components/bits';
import { pageCount, STORED_STATUSES, viewFromQuery, viewUrl, type StreamsView } from '../../lib/filters';
import { Actions, type RowResult } from './actions';
import { FiltersForm } from './filters-form';
import { StreamsTable } from './table';
import { useStreams, type Counts } from './use-streams';

// /console/streams?account_id=…: every filter of GET /1/streams, paging, live counts per
// status, rows that change status in place, and actions on the selected rows.

function CountsBar({ view, counts, go }: { view: StreamsView; counts: Counts | undefined; go(v: StreamsView): void }) {
  return (
    <ul class="counts" aria-label="Streams per status">
      {STORED_STATUSES.map((status) => (
        <li key={status}>
          <button
            type="button"
            class={`count status-${status}`}
            data-count-status={status}
            aria-pressed={view.filters.statuses?.length === 1 && view.filters.statuses[0] === status}
            onClick={() => go({ ...view, page: 1, filters: { ...view.filters, statuses: [status] } })}
          >
            <span class="label">{status}</span> <span class="value">{counts?.[status] ?? '…'}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function Pager({ view, total, go }: { view: StreamsView; total: number | undefined; go(v: StreamsView): void }) {
  const pages = total === undefined ? undefined : pageCount(total, view.page_size);
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={view.page <= 1} onClick={() => go({ ...view, page: view.page - 1 })}>
        ← Previous
      </button>
      <span data-testid="page-of">
        Page {view.page}
        {pages === undefined ? '' : ` of ${pages}`}
        {total === undefined ? '' : ` · ${total} stream${total === 1 ? '' : 's'}`}
      </span>
      <button
        type="button"
        disabled={pages !== undefined && view.page >= pages}
        onClick={() => go({ ...view, page: view.page + 1 })}
      >
        Next →
      </button>
    </nav>
  );
}

export function StreamsPage() {
  const location = useLocation();
  const view = viewFromQuery(new URLSearchParams(location.url.split('?')[1] ?? ''));
  const data = useStreams(view);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [results, setResults] = useState<ReadonlyMap<string, RowResult>>(new Map());
  const go = (next: StreamsView) => location.route(viewUrl(next));
  const url = viewUrl(view);
  useEffect(() => {
    setSelected(new Set());
    setResults(new Map());
  }, [url]);
  // After the rows are painted (effects run after paint): the benchmark reads this mark.
  const drawn = data.rows.length > 0;
  useEffect(() => {
    if (drawn && performance.getEntriesByName('luna:rows-drawn').length === 0) performance.mark('luna:rows-drawn');
  }, [drawn]);

  const onToggle = useCallback((id: string, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const onToggleAll = (on: boolean) =>
    setSelected(
      on ? new Set(data.rows.filter((r) => !data.deleted.has(r.stream_id)).map((r) => r.stream_id)) : new Set(),
    );

  const total = data.counts
    ? STORED_STATUSES.reduce((sum, status) => sum + (data.counts?.[status] ?? 0), 0)
    : undefined;
  const account = view.filters.account_id;
  const createHref = account
    ? `/console/streams/new?account_id=${encodeURIComponent(account)}`
    : '/console/streams/new';

  return (
    <section aria-labelledby="streams-title">
      <div class="title-row">
        <h1 id="streams-title">Streams{account ? ` of account ${account}` : ' of every account'}</h1>
        <a class="button" href={createHref}>
          Create a stream
        </a>
      </div>
      <FiltersForm view={view} onChange={go} />
      <CountsBar view={view} counts={data.counts} go={go} />
      {data.countsError ? <ErrorNote error={data.countsError} /> : null}
      <Actions
        selected={[...selected]}
        accountId={account}
        onResults={(res, deleted, linked) => {
          setResults((current) => new Map([...current, ...res]));
          if (deleted.length > 0) data.markDeleted(deleted);
          setSelected(new Set());
          if (linked) data.reload();
        }}
      />
      {data.error ? (
        <ErrorNote
          error={data.error}
          hint={
            data.error.error_code === 0
              ? 'Start the API (npm start) or check the network, then reload.'
              : 'Check the filters above: the API refused them.'
          }
        />
      ) : null}
      {!data.error && !data.loading && data.rows.length === 0 ? (
        <Empty>
          {view.page > 1
            ? 'No streams on this page. Go back a page.'
            : account
              ? `No streams match for account ${account}. Check the account id and the filters, or create a stream.`
              : 'No streams match these filters. Clear them, or create a stream.'}
        </Empty>
      ) : null}
      {data.rows.length > 0 ? (
        <StreamsTable
          rows={data.rows}
          selected={selected}
          deleted={data.deleted}
          results={results}
          onToggle={onToggle}
          onToggleAll={onToggleAll}
        />
      ) : null}
      <Pager view={view} total={total} go={go} />
    </section>
  );
}
