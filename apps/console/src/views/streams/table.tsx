import { memo } from 'preact/compat';
import type { Stream } from '../../lib/api';
import { Status, shortId, time } from '../../components/bits';
import { describeError } from '../../lib/errors';
import type { RowResult } from './actions';

// The streams table. Rows are memoised: a live event redraws only the row it changed.

interface RowProps {
  stream: Stream;
  checked: boolean;
  deleted: boolean;
  result: RowResult | undefined;
  onToggle(id: string, on: boolean): void;
}

const Row = memo(function Row({ stream, checked, deleted, result, onToggle }: RowProps) {
  const label = stream.name || shortId(stream.stream_id);
  return (
    <tr data-stream-id={stream.stream_id} class={deleted ? 'deleted' : undefined}>
      <td>
        <input
          type="checkbox"
          checked={checked}
          disabled={deleted}
          aria-label={`Select stream ${label}`}
          onChange={(e) => onToggle(stream.stream_id, (e.currentTarget as HTMLInputElement).checked)}
        />
      </td>
      <td>
        <a href={`/console/streams/${stream.stream_id}`}>{label}</a>
        <div class="sub">{stream.stream_id}</div>
      </td>
      <td class="status-cell">
        {deleted ? <span class="status status-deleted">deleted</span> : <Status status={stream.status} />}
      </td>
      <td class="num">{stream.version}</td>
      <td class="ref" title={stream.data.reference}>
        <span class="sub">{stream.data.type}</span> {stream.data.reference}
      </td>
      <td>{stream.groups.join(', ') || '—'}</td>
      <td class="last-error">{stream.last_error ?? '—'}</td>
      <td>{time(stream.create_time)}</td>
      <td class="result" aria-live="polite">
        {result === undefined ? null : result.ok ? (
          <span class="ok">{result.text}</span>
        ) : (
          <span class="error-text" data-error-code={result.error.error_code}>
            {describeError(result.error)}
          </span>
        )}
      </td>
    </tr>
  );
});

interface TableProps {
  rows: readonly Stream[];
  selected: ReadonlySet<string>;
  deleted: ReadonlySet<string>;
  results: ReadonlyMap<string, RowResult>;
  onToggle(id: string, on: boolean): void;
  onToggleAll(on: boolean): void;
}

export function StreamsTable({ rows, selected, deleted, results, onToggle, onToggleAll }: TableProps) {
  const all = rows.length > 0 && rows.every((r) => selected.has(r.stream_id) || deleted.has(r.stream_id));
  return (
    <table class="streams">
      <caption class="visually-hidden">Streams, oldest first</caption>
      <thead>
        <tr>
          <th scope="col">
            <input
              type="checkbox"
              checked={all}
              aria-label="Select every stream on this page"
              onChange={(e) => onToggleAll((e.currentTarget as HTMLInputElement).checked)}
            />
          </th>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Version</th>
          <th scope="col">Source</th>
          <th scope="col">Groups</th>
          <th scope="col">Last error</th>
          <th scope="col">Created</th>
          <th scope="col">Last action</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((stream) => (
          <Row
            key={stream.stream_id}
            stream={stream}
            checked={selected.has(stream.stream_id)}
            deleted={deleted.has(stream.stream_id)}
            result={results.get(stream.stream_id)}
            onToggle={onToggle}
          />
        ))}
      </tbody>
    </table>
  );
}
