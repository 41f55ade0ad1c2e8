import { useRef, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { ErrorNote, Status, relative, time } from '../components/bits';
import { call, type LogRow, type Stream } from '../lib/api';
import { useLiveFeed } from '../lib/feed-state';
import { applyEvents, Replay, type FeedEvent } from '../lib/live';
import { nextRestart, timelineKey } from '../lib/stream-info';
import { StreamEditor } from './stream-editor';

// /console/streams/<id>: every field, autorestart state, groups, the status timeline from
// the stream logs kept live by the feed, and a JSON editor for PUT.

const LOG_PAGES = 20; // 2,000 rows: the timeline shows the last 100 of them

async function loadTimeline(id: string): Promise<LogRow[]> {
  const rows: LogRow[] = [];
  for (let page = 1; page <= LOG_PAGES; page++) {
    const answer = await call<{ logs: LogRow[] }>('GET', `/1/streams/logs?stream_ids=${id}&page=${page}&page_size=100`);
    if (!answer.ok) break;
    rows.push(...answer.body.logs);
    if (answer.body.logs.length < 100) break;
  }
  return rows.slice(-100);
}

function merge(timeline: LogRow[], events: FeedEvent[]): LogRow[] {
  const seen = new Set(timeline.map(timelineKey));
  const added = events
    .map((e): LogRow => ({
      stream_id: e.stream_id,
      status: e.status,
      version: e.version,
      error: e.error,
      log_time: e.log_time,
    }))
    .filter((row) => !seen.has(timelineKey(row)));
  return added.length === 0 ? timeline : [...timeline, ...added].slice(-100);
}

export function StreamDetail() {
  const { params } = useRoute();
  const id = params.id ?? '';
  const [stream, setStream] = useState<Stream>();
  const [timeline, setTimeline] = useState<LogRow[]>([]);
  const [error, setError] = useState<Parameters<typeof ErrorNote>[0]['error']>();
  const replay = useRef(new Replay());

  const load = async () => {
    const held = replay.current.hold();
    const [answer, logs] = await Promise.all([call<Stream>('GET', `/1/streams/${id}`), loadTimeline(id)]);
    replay.current.release(held);
    if (!answer.ok) return setError(answer.error);
    setError(undefined);
    setStream(applyEvents([answer.body], held)[0]);
    setTimeline(merge(logs, held));
  };
  const onEvents = (events: FeedEvent[]) => {
    if (replay.current.offer(events)) return;
    setTimeline((current) => merge(current, events));
    // Autorestart fields and video_info change with the status: read the stream again.
    void call<Stream>('GET', `/1/streams/${id}`).then((answer) => answer.ok && setStream(answer.body));
  };
  useLiveFeed(new URLSearchParams({ stream_ids: id }), () => void load(), onEvents);

  if (error)
    return (
      <section>
        <h1>Stream {id}</h1>
        <ErrorNote
          error={error}
          hint={error.error_code === 39001 ? 'It may have been deleted. Go back to the streams list.' : undefined}
        />
        <a href="/console/streams">All streams</a>
      </section>
    );
  if (!stream) return <p aria-busy="true">Loading stream {id}…</p>;
  const restartAt = nextRestart(stream, timeline);
  return (
    <section aria-labelledby="detail-title">
      <h1 id="detail-title">
        {stream.name || 'Unnamed stream'} <Status status={stream.status} />
      </h1>
      <p>
        <a href={`/console/streams?account_id=${stream.account_id}`}>Streams of account {stream.account_id}</a>
      </p>
      <dl class="fields">
        <dt>Stream id</dt>
        <dd>{stream.stream_id}</dd>
        <dt>Version</dt>
        <dd data-testid="version">{stream.version}</dd>
        <dt>Description</dt>
        <dd>{stream.description || '—'}</dd>
        <dt>Source</dt>
        <dd>
          {stream.data.type} {stream.data.reference}
        </dd>
        <dt>Groups</dt>
        <dd>{stream.groups.join(', ') || '—'}</dd>
        <dt>Created</dt>
        <dd>{time(stream.create_time)}</dd>
        <dt>Last error</dt>
        <dd class="last-error">{stream.last_error ?? '—'}</dd>
        <dt>Autorestart</dt>
        <dd data-testid="autorestart">
          {stream.autorestart.restart ? 'on' : 'off'} · status {stream.autorestart.status} · attempt{' '}
          {stream.autorestart.current_attempt} of {stream.autorestart.attempt_count} · delay {stream.autorestart.delay}{' '}
          s{stream.autorestart.last_attempt_time ? ` · last restart ${time(stream.autorestart.last_attempt_time)}` : ''}
          {restartAt ? ` · next restart ${time(restartAt)} (${relative(restartAt)})` : ''}
        </dd>
        <dt>Video info</dt>
        <dd>
          <pre>{stream.video_info ? JSON.stringify(stream.video_info, null, 2) : '—'}</pre>
        </dd>
      </dl>
      <h2>Status timeline</h2>
      <ol class="timeline" aria-label="Status timeline, oldest first">
        {timeline.map((row) => (
          <li key={timelineKey(row)} data-status={row.status}>
            <Status status={row.status} /> <span class="sub">version {row.version}</span>{' '}
            <time dateTime={row.log_time}>{time(row.log_time)}</time> <span class="sub">{relative(row.log_time)}</span>
            {row.error ? <span class="error-text"> · {row.error}</span> : null}
          </li>
        ))}
      </ol>
      <StreamEditor stream={stream} onSaved={() => void load()} />
    </section>
  );
}
