import {
  FeedHorizon,
  type Logger,
  type StreamLogFeed,
  type WebhookDeliveriesRepository,
  type WebhookWakeup,
} from '@luna-streams/shared';

// Turns stream log rows into webhook deliveries (docs/dev/webhooks.md). The log is the
// outbox: each webhook's cursor is moved only up to the event feed's horizon
// (domain/feed-horizon.ts), below which no row can still appear, so a row whose
// transaction commits after a higher seq's is never skipped. The loop polls every
// WEBHOOK_POLL_INTERVAL_MS: not NOTIFY, whose server-wide commit lock would make every
// logging transaction commit one at a time (docs/dev/events.md).

/** How often an idle worker looks whether any webhook is enabled at all. */
const ENABLED_CHECK_MS = 1000;
const HORIZON_RETRY_MS = 20;
/** Seqs per webhook per statement, so one far-behind webhook is caught up in bounded steps. */
const SPAN = 5000;

export interface OutboxOptions {
  pollIntervalMs: number;
  feed: StreamLogFeed;
  deliveries: WebhookDeliveriesRepository;
  retryForSeconds: number;
  /** Adds the new deliveries' wake-ups (BullMQ). */
  wake: (wakeups: WebhookWakeup[]) => Promise<unknown>;
  logger: Logger;
}

export class WebhookOutbox {
  /** Passes finished (tests and the benchmark may wait on it). */
  passes = 0;
  private readonly horizon = new FeedHorizon();
  private running = false;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  /** Whether any webhook is enabled, read at most once per ENABLED_CHECK_MS: with none, a poll costs nothing. */
  private enabled = { any: false, readAt: 0 };

  constructor(private readonly options: OutboxOptions) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.pass()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'webhook outbox pass failed'))
      .finally(() => {
        this.running = false;
        this.passes += 1;
        if (this.again) {
          this.again = false;
          this.wake();
        } else if (this.horizon.pending && !this.retry && !this.stopped) {
          this.retry = setTimeout(() => {
            this.retry = undefined;
            this.wake();
          }, HORIZON_RETRY_MS);
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.retry);
    await this.current;
  }

  private async pass(): Promise<void> {
    const { feed, deliveries, retryForSeconds, wake } = this.options;
    if (Date.now() - this.enabled.readAt >= ENABLED_CHECK_MS) {
      this.enabled = { any: await deliveries.anyEnabled(), readAt: Date.now() };
    }
    if (!this.enabled.any) return;
    // The sequence first, then the running transactions: see domain/feed-horizon.ts.
    const lastDrawn = await feed.lastDrawn();
    const running = await feed.runningTransactions();
    this.horizon.observe({ lastDrawn, running });
    const final = this.horizon.advance(running);
    if (final < 0) return;
    for (;;) {
      const { behind, added } = await deliveries.fanOut(final, SPAN, retryForSeconds);
      await wake(added);
      if (behind === 0 || this.stopped) return;
    }
  }
}
