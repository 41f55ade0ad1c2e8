import {
  outcomeOf,
  retryAfterSeconds,
  retryDelaySeconds,
  type Logger,
  type Metrics,
  type RetrySchedule,
  type WebhookDeliveriesRepository,
  type WebhookMessage,
  type WebhookWakeup,
} from '@luna-streams/shared';
import type { WebhookSender } from './sender';

// One wake-up of one delivery (docs/dev/webhooks.md). The job only wakes: the delivery is
// claimed in PostgreSQL by its wake (a duplicate or stale job claims nothing), sent, and
// its outcome recorded there; the next attempt's wake-up is added with its delay.

/** Seconds before a webhook with enough messages in flight on this worker looks again. */
const DEFER_SECONDS = 1;

export interface DeliverContext {
  deliveries: WebhookDeliveriesRepository;
  sender: WebhookSender;
  schedule: RetrySchedule;
  /** The claim's lease: longer than an attempt can take, so only a dead worker's claim expires. */
  leaseSeconds: number;
  maxInFlight: number;
  /** Messages being sent now on this worker, per webhook. */
  inFlight: Map<string, number>;
  wake: (wakeups: WebhookWakeup[]) => Promise<unknown>;
  metrics: Metrics;
  logger: Logger;
}

export async function deliver(ctx: DeliverContext, job: WebhookWakeup): Promise<{ result: string }> {
  const { deliveries, inFlight } = ctx;
  // One slow or dead receiver holds at most maxInFlight of this worker's slots; its other
  // messages step aside (unclaimed, uncounted) and come back a second later.
  if ((inFlight.get(job.webhook_id) ?? 0) >= ctx.maxInFlight) {
    const wake = await deliveries.defer(job.delivery_id, job.wake, DEFER_SECONDS);
    if (wake !== null) await ctx.wake([{ ...job, wake, delayMs: DEFER_SECONDS * 1000 }]);
    return { result: 'deferred' };
  }
  inFlight.set(job.webhook_id, (inFlight.get(job.webhook_id) ?? 0) + 1);
  try {
    return await attempt(ctx, job);
  } finally {
    const left = (inFlight.get(job.webhook_id) ?? 1) - 1;
    if (left > 0) inFlight.set(job.webhook_id, left);
    else inFlight.delete(job.webhook_id);
  }
}

async function attempt(ctx: DeliverContext, job: WebhookWakeup): Promise<{ result: string }> {
  const { deliveries, metrics } = ctx;
  const claimed = await deliveries.claim(job.delivery_id, job.wake, ctx.leaseSeconds);
  if (!claimed) return { result: 'stale' };
  if (!claimed.enabled) {
    metrics.webhookDeliveries.inc({ result: 'failed' });
    return { result: 'disabled' };
  }
  const message: WebhookMessage = { type: 'stream.status', timestamp: claimed.event.log_time, data: claimed.event };
  const secrets = [claimed.secret, ...(claimed.previous_secret ? [claimed.previous_secret] : [])];
  const sent = await ctx.sender.send(claimed.url, { id: claimed.delivery_id, body: JSON.stringify(message), secrets });
  const record = { httpStatus: sent.httpStatus, error: sent.error, response: sent.response };
  const outcome = outcomeOf(sent.httpStatus);

  if (outcome === 'delivered') {
    if (await deliveries.recordDelivered(claimed.delivery_id, claimed.wake, record)) {
      metrics.webhookDeliveries.inc({ result: 'delivered' });
      metrics.webhookDelay.observe((Date.now() - Date.parse(claimed.event.log_time)) / 1000);
      metrics.webhookAttempts.observe(claimed.attempts);
    }
    return { result: 'delivered' };
  }
  if (outcome === 'gone') {
    await deliveries.disable(claimed.webhook_id);
    ctx.logger.warn({ webhook_id: claimed.webhook_id }, 'webhook disabled: its receiver answered 410 Gone');
  }
  const delay = retryAfterSeconds(sent.retryAfter, ctx.schedule) ?? retryDelaySeconds(claimed.attempts, ctx.schedule);
  const error = sent.error ?? (sent.httpStatus !== null ? `HTTP ${sent.httpStatus}` : 'no answer');
  const state = await deliveries.recordFailed(
    claimed.delivery_id,
    claimed.wake,
    { ...record, error },
    delay,
    outcome === 'gone',
  );
  if (state === 'pending') {
    metrics.webhookDeliveries.inc({ result: 'retry' });
    await ctx.wake([
      { delivery_id: claimed.delivery_id, webhook_id: claimed.webhook_id, wake: claimed.wake, delayMs: delay * 1000 },
    ]);
  } else if (state === 'failed') {
    metrics.webhookDeliveries.inc({ result: 'failed' });
    metrics.webhookAttempts.observe(claimed.attempts);
  }
  return { result: state === 'pending' ? 'retry' : 'failed' };
}
