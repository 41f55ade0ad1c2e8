// What the live feed's events do to what the console shows. Pure, so unit tests run it.

/** One event of GET /1/streams/events (a stream_logs row plus seq and account_id). */
export interface FeedEvent {
  seq: number;
  stream_id: string;
  account_id: string;
  status: string;
  version: number;
  error: string | null;
  video_info: Record<string, unknown> | null;
  log_time: string;
}

/** The fields of a stream that a status event changes. */
export interface LiveFields {
  stream_id: string;
  status: string;
  version: number;
  last_error: string | null;
}

/**
 * A row after an event: status and version follow it; a take clears the last error and a
 * failure sets it, as the API does; a later event never goes back to an earlier version.
 */
export function applyEvent<T extends LiveFields>(row: T, event: FeedEvent): T {
  if (event.version < row.version) return row;
  let lastError = row.last_error;
  if (event.status === 'in_progress') lastError = null;
  else if (event.status === 'failure') lastError = event.error;
  if (row.status === event.status && row.version === event.version && row.last_error === lastError) return row;
  return { ...row, status: event.status, version: event.version, last_error: lastError };
}

/**
 * Rows after a batch of events, in seq order. Rows no event touched keep their identity,
 * so a table redraws only the rows that changed; the same array comes back when none did.
 */
export function applyEvents<T extends LiveFields>(rows: readonly T[], events: readonly FeedEvent[]): readonly T[] {
  if (events.length === 0 || rows.length === 0) return rows;
  const byStream = new Map<string, FeedEvent[]>();
  for (const event of events) {
    const list = byStream.get(event.stream_id);
    if (list) list.push(event);
    else byStream.set(event.stream_id, [event]);
  }
  let changed = false;
  const next = rows.map((row) => {
    const mine = byStream.get(row.stream_id);
    if (!mine) return row;
    const updated = mine.reduce(applyEvent, row);
    if (updated !== row) changed = true;
    return updated;
  });
  return changed ? next : rows;
}

/**
 * Events that arrive while a list is loading are kept and replayed over its answer. Loads
 * may overlap (a new page asked before the last one came): each keeps its own events.
 */
export class Replay {
  private readonly loads = new Set<FeedEvent[]>();

  /** Call just before sending a request; pass what it returns to release() with its answer. */
  hold(): FeedEvent[] {
    const held: FeedEvent[] = [];
    this.loads.add(held);
    return held;
  }

  /** Keeps events for every load under way; false when there is none (apply them directly). */
  offer(events: readonly FeedEvent[]): boolean {
    for (const held of this.loads) held.push(...events);
    return this.loads.size > 0;
  }

  /** The events that came since hold() returned `held`, to replay over that load's answer. */
  release(held: FeedEvent[]): FeedEvent[] {
    this.loads.delete(held);
    return held;
  }
}

/** The feed's statuses the queue view counts, by the name it shows. */
export const RATE_KINDS = {
  takes: 'in_progress',
  done: 'done',
  failures: 'failure',
  handler_lost: 'handler_lost',
  restarts: 'restart',
} as const;
export type RateKind = keyof typeof RATE_KINDS;

/** Counts of events per kind over the last minute, from the times they arrived. */
export class RateWindow {
  private readonly times = new Map<string, number[]>();

  constructor(private readonly windowMs = 60_000) {}

  record(status: string, atMs: number): void {
    const list = this.times.get(status);
    if (list) list.push(atMs);
    else this.times.set(status, [atMs]);
  }

  perMinute(nowMs: number): Record<RateKind, number> {
    const since = nowMs - this.windowMs;
    const out = {} as Record<RateKind, number>;
    for (const [kind, status] of Object.entries(RATE_KINDS) as [RateKind, string][]) {
      const list = this.times.get(status) ?? [];
      let first = 0;
      while (first < list.length && list[first]! <= since) first++;
      if (first > 0) list.splice(0, first);
      out[kind] = Math.round((list.length * 60_000) / this.windowMs);
    }
    return out;
  }
}
