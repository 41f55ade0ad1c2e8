import { useEffect, useRef, useState } from 'preact/hooks';
import { Empty, ErrorNote, relative, shortId, time } from '../components/bits';
import { call, type Stream } from '../lib/api';
import type { LunaError } from '../lib/errors';
import { useLiveFeed } from '../lib/feed-state';
import { RATE_KINDS, RateWindow, type FeedEvent, type RateKind } from '../lib/live';
import { capFromConfig, capText, type CapAnswer } from '../lib/stream-info';

// /console/queue: the queue as GET /1/streams/processing/queue shows it (pending streams in
// the order agents get them), streams in progress against MAX_IN_PROGRESS_STREAMS when the
// service has one (read from GET /1/config), and rates per minute counted from the feed.

const PEEK = 50;
const REFRESH_MS = 2000;

const RATE_LABELS: Record<RateKind, string> = {
  takes: 'takes',
  done: 'done',
  failures: 'failures',
  handler_lost: 'handler lost',
  restarts: 'restarts',
};

interface Snapshot {
  queue: Stream[];
  pending: number;
  inProgress: number;
}

export function QueuePage() {
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [error, setError] = useState<LunaError>();
  const [cap, setCap] = useState<CapAnswer>();
  const [rates, setRates] = useState<Record<RateKind, number>>();
  const [since] = useState(() => new Date().toISOString());
  const rateWindow = useRef(new RateWindow());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const load = async () => {
    const [queue, pending, inProgress] = await Promise.all([
      call<{ streams: Stream[] }>('GET', `/1/streams/processing/queue?limit=${PEEK}`),
      call<{ streams_count: number }>('GET', '/1/streams/count?statuses=pending'),
      call<{ streams_count: number }>('GET', '/1/streams/count?statuses=in_progress'),
    ]);
    const failed = [queue, pending, inProgress].find((a) => !a.ok);
    if (failed && !failed.ok) return setError(failed.error);
    if (!queue.ok || !pending.ok || !inProgress.ok) return;
    setError(undefined);
    setSnapshot({
      queue: queue.body.streams,
      pending: pending.body.streams_count,
      inProgress: inProgress.body.streams_count,
    });
  };
  const onEvents = (events: FeedEvent[]) => {
    const now = Date.now();
    for (const event of events) rateWindow.current.record(event.status, now);
    setRates(rateWindow.current.perMinute(now));
    timer.current ??= setTimeout(() => {
      timer.current = undefined;
      void load();
    }, REFRESH_MS);
  };
  useLiveFeed(new URLSearchParams(), () => void load(), onEvents);

  useEffect(() => {
    void call('GET', '/1/config').then((answer) => setCap(capFromConfig(answer)));
    // Rates fall as the minute passes even when no event comes.
    const tick = setInterval(() => setRates(rateWindow.current.perMinute(Date.now())), 5000);
    return () => {
      clearInterval(tick);
      clearTimeout(timer.current);
    };
  }, []);

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Queue</h1>
      {error ? <ErrorNote error={error} hint="Start the API (npm start), then reload." /> : null}
      <dl class="stats">
        <div>
          <dt>Pending</dt>
          <dd data-testid="pending">{snapshot?.pending ?? '…'}</dd>
        </div>
        <div>
          <dt>In progress</dt>
          <dd data-testid="in-progress">
            {snapshot?.inProgress ?? '…'}
            <span class="sub">{capText(cap)}</span>
          </dd>
        </div>
        {(Object.keys(RATE_KINDS) as RateKind[]).map((kind) => (
          <div key={kind}>
            <dt>{RATE_LABELS[kind]} / min</dt>
            <dd data-rate={kind}>{rates?.[kind] ?? 0}</dd>
          </div>
        ))}
      </dl>
      <p class="sub">Rates count the feed's events over the last minute, since this page opened at {time(since)}.</p>
      <h2>Next {PEEK} in the queue</h2>
      {snapshot && snapshot.queue.length === 0 ? <Empty>The queue is empty: no stream is pending.</Empty> : null}
      {snapshot && snapshot.queue.length > 0 ? (
        <table>
          <caption class="visually-hidden">Pending streams in the order agents take them</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Name</th>
              <th scope="col">Account</th>
              <th scope="col">Source</th>
              <th scope="col">Version</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.queue.map((s, i) => (
              <tr key={s.stream_id}>
                <td class="num">{i + 1}</td>
                <td>
                  <a href={`/console/streams/${s.stream_id}`}>{s.name || shortId(s.stream_id)}</a>
                </td>
                <td class="sub">{shortId(s.account_id)}</td>
                <td class="ref">{s.data.reference}</td>
                <td class="num">{s.version}</td>
                <td>
                  {time(s.create_time)} <span class="sub">{relative(s.create_time)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
