import type { FeedEvent } from './live';

// One live feed per tab (browsers give an origin about six HTTP/1.1 connections, and each
// EventSource holds one): the view on screen owns it and closes it when it goes. Events are
// handed over in batches, at most every BATCH_MS, so a busy feed redraws a table a few times
// a second rather than once per event. A hidden tab closes its feed; when it is shown again
// the feed starts afresh and the view reloads what it shows.

export type FeedState = 'connecting' | 'live' | 'retrying' | 'paused';

export interface FeedHandlers {
  /** The feed is open: every row written from now on arrives. Load what the view shows now. */
  onOpen(): void;
  onEvents(events: FeedEvent[]): void;
  onState(state: FeedState): void;
}

const BATCH_MS = 150;
const MAX_BACKOFF_MS = 30_000;

export class LiveFeed {
  private source: EventSource | undefined;
  private batch: FeedEvent[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSeq: number | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly params: URLSearchParams,
    private readonly handlers: FeedHandlers,
  ) {}

  start(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
    if (document.visibilityState === 'hidden') this.handlers.onState('paused');
    else this.open(true);
  }

  stop(): void {
    this.stopped = true;
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.close();
  }

  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'hidden') {
      this.close();
      this.handlers.onState('paused');
    } else if (!this.source) {
      this.lastSeq = undefined;
      this.open(true);
    }
  };

  /** fresh: from the present, then onOpen (the view reloads); otherwise resume after lastSeq. */
  private open(fresh: boolean): void {
    if (this.stopped) return;
    const params = new URLSearchParams(this.params);
    if (!fresh && this.lastSeq !== undefined) params.set('last_event_id', String(this.lastSeq));
    this.handlers.onState(fresh ? 'connecting' : 'retrying');
    const source = new EventSource(`/1/streams/events?${params.toString()}`);
    this.source = source;
    let opened = false;
    source.onopen = () => {
      this.failures = 0;
      this.handlers.onState('live');
      // A reconnect resumes with Last-Event-ID (the browser sends it): nothing to reload.
      if (fresh && !opened) this.handlers.onOpen();
      opened = true;
    };
    source.addEventListener('status', (e) => {
      const message = e as MessageEvent<string>;
      this.lastSeq = Number(message.lastEventId);
      this.batch.push(JSON.parse(message.data) as FeedEvent);
      this.flushTimer ??= setTimeout(this.flush, BATCH_MS);
    });
    // Rows after our last seq were removed by retention: what the view shows may be stale.
    source.addEventListener('reset', () => this.handlers.onOpen());
    source.onerror = () => {
      if (source !== this.source) return;
      this.handlers.onState('retrying');
      // CONNECTING: the browser retries by itself (retry: 2000). CLOSED: an answer that was not
      // an event stream (503 at the client limit, the API away behind a proxy): we retry.
      if (source.readyState === EventSource.CLOSED) {
        this.close();
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures++);
        this.retryTimer = setTimeout(() => this.open(this.lastSeq === undefined), delay);
      }
    };
  }

  private readonly flush = (): void => {
    this.flushTimer = undefined;
    const events = this.batch;
    this.batch = [];
    if (events.length > 0 && !this.stopped) this.handlers.onEvents(events);
  };

  private close(): void {
    this.source?.close();
    this.source = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flush();
  }
}
