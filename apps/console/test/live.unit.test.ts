import { applyEvent, applyEvents, RateWindow, Replay, type FeedEvent } from '../src/lib/live';
import { capFromConfig, capText, nextRestart, timelineKey } from '../src/lib/stream-info';

let seq = 0;
function event(stream_id: string, status: string, version: number, error: string | null = null): FeedEvent {
  seq += 1;
  return {
    seq,
    stream_id,
    account_id: 'a',
    status,
    version,
    error,
    video_info: null,
    log_time: new Date(seq).toISOString(),
  };
}
const row = (stream_id: string, status = 'pending', version = 1, last_error: string | null = null) => ({
  stream_id,
  status,
  version,
  last_error,
  name: stream_id,
});

describe('live events on the table', () => {
  it('moves a row through its statuses in place; a take clears the error, a failure sets it', () => {
    let r = row('s1', 'failure', 1, 'old');
    r = applyEvent(r, event('s1', 'restart', 2));
    expect(r).toMatchObject({ status: 'restart', version: 2, last_error: 'old' });
    r = applyEvent(r, event('s1', 'in_progress', 2));
    expect(r).toMatchObject({ status: 'in_progress', last_error: null });
    r = applyEvent(r, event('s1', 'failure', 2, 'no frames'));
    expect(r).toMatchObject({ status: 'failure', version: 2, last_error: 'no frames' });
  });

  it('never goes back to an older version', () => {
    const r = row('s1', 'pending', 3);
    expect(applyEvent(r, event('s1', 'done', 2))).toBe(r);
  });

  it('changes only the rows an event names, and keeps the array when nothing changed', () => {
    const rows = [row('s1'), row('s2'), row('s3')];
    const next = applyEvents(rows, [event('s2', 'in_progress', 1), event('s2', 'done', 1), event('sX', 'done', 1)]);
    expect(next[0]).toBe(rows[0]);
    expect(next[2]).toBe(rows[2]);
    expect(next[1]).toMatchObject({ status: 'done', name: 's2' });
    expect(applyEvents(rows, [event('sX', 'done', 1)])).toBe(rows);
    expect(applyEvents(rows, [event('s1', 'pending', 1)])).toBe(rows);
  });

  it('replays the events that came while a list loaded over its answer', () => {
    const replay = new Replay();
    expect(replay.offer([event('s1', 'in_progress', 1)])).toBe(false);
    const first = replay.hold();
    const during = [event('s1', 'in_progress', 1), event('s1', 'done', 1)];
    expect(replay.offer(during)).toBe(true);
    // The answer was read before the take: replaying brings it to the last state.
    expect(applyEvents([row('s1')], replay.release(first))[0]).toMatchObject({ status: 'done' });
    expect(replay.offer([event('s1', 'pause', 2)])).toBe(false);
  });

  it('keeps each overlapping load its own events', () => {
    const replay = new Replay();
    const first = replay.hold();
    replay.offer([event('s1', 'in_progress', 1)]);
    const second = replay.hold();
    replay.offer([event('s1', 'done', 1)]);
    expect(replay.release(first).map((e) => e.status)).toEqual(['in_progress', 'done']);
    // The second load still holds what came after it was sent.
    expect(replay.offer([event('s1', 'pending', 2)])).toBe(true);
    expect(replay.release(second).map((e) => e.status)).toEqual(['done', 'pending']);
  });
});

describe('rates per minute', () => {
  it('counts the last minute of takes, done, failures, handler_lost and restarts', () => {
    const rates = new RateWindow(60_000);
    for (let i = 0; i < 30; i++) rates.record('in_progress', 1_000 + i);
    rates.record('failure', 10_000);
    rates.record('restart', 10_000);
    rates.record('pending', 10_000);
    rates.record('handler_lost', 50_000);
    expect(rates.perMinute(60_000)).toEqual({ takes: 30, done: 0, failures: 1, handler_lost: 1, restarts: 1 });
    // A minute later the takes have left the window.
    expect(rates.perMinute(61_100)).toEqual({ takes: 0, done: 0, failures: 1, handler_lost: 1, restarts: 1 });
    expect(rates.perMinute(200_000)).toEqual({ takes: 0, done: 0, failures: 0, handler_lost: 0, restarts: 0 });
  });
});

describe('the detail view', () => {
  const stream = (over: Record<string, unknown> = {}) => ({
    status: 'failure',
    autorestart: { restart: 1 as const, attempt_count: 3, delay: 5, current_attempt: 1, status: 'in_progress' },
    ...over,
  });
  const timeline = [
    { status: 'in_progress', version: 1, log_time: '2026-12-02T10:00:00.000Z' },
    { status: 'failure', version: 1, log_time: '2026-12-02T10:00:10.000Z' },
  ];

  it('tells when a failure will be restarted: its time plus the delay', () => {
    expect(nextRestart(stream(), timeline)).toBe('2026-12-02T10:00:15.000Z');
  });

  it('tells no restart when restart is off, attempts are spent, or the stream did not fail', () => {
    const a = stream().autorestart;
    expect(nextRestart(stream({ autorestart: { ...a, restart: 0 } }), timeline)).toBeUndefined();
    expect(nextRestart(stream({ autorestart: { ...a, current_attempt: 3 } }), timeline)).toBeUndefined();
    expect(nextRestart(stream({ autorestart: { ...a, status: 'failed' } }), timeline)).toBeUndefined();
    expect(nextRestart(stream({ status: 'done' }), timeline)).toBeUndefined();
  });

  it('keys a log row the same from the feed and from the logs endpoint', () => {
    expect(timelineKey(timeline[1]!)).toBe('2026-12-02T10:00:10.000Z|failure|1');
  });
});

describe('the queue view', () => {
  it('shows the in-progress cap, its absence, or that ADMIN_TOKEN hides it', () => {
    expect(capText(capFromConfig({ ok: true, body: { MAX_IN_PROGRESS_STREAMS: 50 } }))).toBe(' of at most 50');
    expect(capText(capFromConfig({ ok: true, body: { MAX_IN_PROGRESS_STREAMS: null } }))).toBe(' (no cap set)');
    expect(capText(capFromConfig({ ok: false }))).toContain('needs the admin token');
    expect(capText(undefined)).toBe('');
  });
});
