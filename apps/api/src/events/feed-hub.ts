import { FeedHorizon, type FeedRow, type Logger, type Metrics, type StreamLogFeed } from '@luna-streams/shared';
import { statusEventText, type FeedClient } from './feed-client';

// One per API process: it reads the stream log once per pass for all its clients.
// PostgreSQL is the source, read by a poll every EVENTS_POLL_INTERVAL_MS while a client is
// connected. Not NOTIFY: a transaction that notifies holds a lock across the whole server
// from its commit until its WAL is flushed, so every take, create and feedback batch that
// logs would commit one at a time (docs/dev/events.md).

// Rows are written a page at a time, and between pages the sockets get to take them:
// a client still holding more than its buffer when the next page starts is too slow.
const PAGE = 50;
/** While rows wait for older transactions to end, look again this soon. */
const HORIZON_RETRY_MS = 20;

export interface FeedHubOptions {
  feed: StreamLogFeed;
  /** How often the log is read while a client is connected (EVENTS_POLL_INTERVAL_MS). */
  pollIntervalMs: number;
  metrics: Metrics;
  logger: Logger;
  pingIntervalMs: number;
}

export class FeedHub {
  readonly clients = new Set<FeedClient>();
  /** Passes finished so far (tests wait on it instead of sleeping). */
  passes = 0;
  private readonly horizon = new FeedHorizon();
  /** Rows up to here were handed to the clients; undefined until the first horizon. */
  private dispatched: number | undefined;
  private ready: Promise<void>;
  private markReady!: () => void;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private retry: NodeJS.Timeout | undefined;
  private started = 0;
  /** Clients about to connect wait for a pass that started after them. */
  private waiters: { afterPass: number; resolve: () => void }[] = [];

  constructor(private readonly options: FeedHubOptions) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  start(): void {
    this.timers.push(setInterval(() => this.wake(), this.options.pollIntervalMs));
    this.timers.push(setInterval(() => this.ping(), this.options.pingIntervalMs));
    this.wake();
  }

  /**
   * Resolves once `position` is the present: after a pass that started after this call
   * (rows committed before a client asked are not sent to it live), and never before the
   * first horizon is known. Clients connecting together share that pass.
   */
  async current(): Promise<void> {
    if (!this.stopped) {
      await new Promise<void>((resolve) => {
        this.waiters.push({ afterPass: this.started, resolve });
        this.wake();
      });
    }
    await this.ready;
  }

  /** The seq up to which rows have been dispatched to the clients. */
  get position(): number | undefined {
    return this.dispatched;
  }

  /** Schedules a pass; passes never overlap, and wake-ups during one cause one more. */
  wake(): void {
    if (this.stopped) return;
    // With no client and none about to connect there is nothing to deliver: an idle
    // process does not read the log or the horizon.
    if (this.clients.size === 0 && this.waiters.length === 0 && this.dispatched !== undefined) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    const pass = ++this.started;
    void this.pass()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'event feed read failed'))
      .finally(() => {
        this.running = false;
        this.passes += 1;
        this.releaseWaiters(pass);
        if (this.again) {
          this.again = false;
          this.wake();
        } else if (this.horizon.pending && !this.retry) {
          this.retry = setTimeout(() => {
            this.retry = undefined;
            this.wake();
          }, HORIZON_RETRY_MS);
        }
      });
  }

  private releaseWaiters(finished: number): void {
    const due = this.waiters.filter((w) => w.afterPass < finished);
    this.waiters = this.waiters.filter((w) => w.afterPass >= finished);
    for (const waiter of due) waiter.resolve();
  }

  /** Ends every feed (shutdown): clients reconnect, to another copy behind the balancer. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.retry);
    for (const client of [...this.clients]) client.end('shutdown');
    this.releaseWaiters(Infinity);
  }

  private async pass(): Promise<void> {
    const { feed } = this.options;
    // The sequence first, then the running transactions: see domain/feed-horizon.ts.
    const lastDrawn = await feed.lastDrawn();
    const running = await feed.runningTransactions();
    this.horizon.observe({ lastDrawn, running });
    const final = this.horizon.advance(running);
    if (final < 0) return;
    if (this.dispatched === undefined) {
      // Without Last-Event-ID a feed starts at the present.
      this.dispatched = final;
      this.markReady();
      return;
    }
    if (this.clients.size === 0) {
      this.dispatched = final;
      return;
    }
    while (this.dispatched < final && !this.stopped) {
      const rows = await feed.rows(this.dispatched, final, PAGE);
      this.dispatch(rows);
      this.dispatched = rows.length < PAGE ? final : rows[rows.length - 1]!.seq;
      if (rows.length === PAGE) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private dispatch(rows: FeedRow[]): void {
    const { metrics } = this.options;
    for (const client of this.clients) client.checkBacklog();
    const receivers = [...this.clients];
    for (const client of receivers) client.batch();
    for (const row of rows) {
      const text = statusEventText(row);
      let sent = 0;
      for (const client of receivers) if (client.deliver(row, text)) sent += 1;
      if (sent > 0) {
        metrics.eventsSent.inc(sent);
        metrics.eventsDelay.observe((Date.now() - Date.parse(row.log_time)) / 1000);
      }
    }
    for (const client of receivers) client.flush();
  }

  private ping(): void {
    for (const client of this.clients) client.ping();
  }
}
