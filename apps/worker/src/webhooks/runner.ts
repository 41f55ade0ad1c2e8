import {
  closeRedis,
  createRedis,
  createStreamLogFeed,
  deniedNetworks,
  wakeDeliveries,
  watchRedis,
  WEBHOOKS_QUEUE,
  type Config,
  type Database,
  type Logger,
  type Metrics,
  type WebhookDeliveriesRepository,
  type WebhookWakeup,
} from '@luna-streams/shared';
import { Worker, type Queue } from 'bullmq';
import { closeWorkerWithin } from '../close-worker';
import { deliver } from './deliver';
import { WebhookOutbox } from './outbox';
import { WebhookSender } from './sender';

// Webhook delivery on a worker with the `jobs` role (docs/dev/webhooks.md): the outbox
// turns log rows into deliveries, and a BullMQ worker of its own runs their attempts,
// WEBHOOK_CONCURRENCY at a time, at most WEBHOOK_MAX_IN_FLIGHT per webhook.

export const WEBHOOKS_STOP_MS = 5000;

export interface WebhooksRunner {
  outbox: WebhookOutbox;
  stop(): Promise<void>;
}

export function startWebhooks(
  deps: { config: Config; logger: Logger; db: Database; metrics: Metrics },
  deliveries: WebhookDeliveriesRepository,
  queue: Queue,
): WebhooksRunner {
  const { config, logger, db, metrics } = deps;
  const wake = (wakeups: WebhookWakeup[]) => wakeDeliveries(queue, wakeups, logger);
  const outbox = new WebhookOutbox({
    pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
    feed: createStreamLogFeed(db),
    deliveries,
    retryForSeconds: config.WEBHOOK_RETRY_FOR,
    wake,
    logger,
  });
  const sender = new WebhookSender(
    deniedNetworks(config.WEBHOOK_DENY_NETWORKS),
    config.WEBHOOK_TIMEOUT_MS,
    config.WEBHOOK_CONCURRENCY,
  );
  const context = {
    deliveries,
    sender,
    schedule: { minSeconds: config.WEBHOOK_RETRY_MIN, maxSeconds: config.WEBHOOK_RETRY_MAX },
    leaseSeconds: Math.ceil(config.WEBHOOK_TIMEOUT_MS / 1000) + 5,
    maxInFlight: config.WEBHOOK_MAX_IN_FLIGHT,
    inFlight: new Map<string, number>(),
    wake,
    metrics,
    logger,
  };
  const connection = createRedis(config.redis, { role: 'worker', logger });
  const inFlight = new Set<Promise<object>>();
  const run = (data: WebhookWakeup) => {
    const attempt = deliver(context, data);
    inFlight.add(attempt);
    return attempt.finally(() => inFlight.delete(attempt));
  };
  const worker = new Worker(WEBHOOKS_QUEUE, (job) => run(job.data as WebhookWakeup), {
    connection,
    prefix: config.REDIS_PREFIX,
    concurrency: config.WEBHOOK_CONCURRENCY,
    // A killed worker's active jobs hold their wake-up ids until BullMQ finds them
    // stalled; short locks (renewed while an attempt runs) bring them back within seconds.
    lockDuration: 10_000,
    stalledInterval: 5_000,
  });
  worker.on('error', (error) => logger.warn({ err: error }, 'webhooks worker error'));
  // Whether Redis answers (a frozen one keeps its socket open), for the shutdown.
  const watch = watchRedis(connection);
  worker.on('failed', (job, error) => logger.warn({ err: error, job_id: job?.id }, 'webhook delivery job failed'));
  outbox.start();

  return {
    outbox,
    async stop() {
      await outbox.stop();
      // Attempts in flight are leased in PostgreSQL: one left behind is tried again once its lease ends.
      const reachable = watch.state().up;
      watch.stop();
      const closed = await closeWorkerWithin(worker, inFlight, reachable, WEBHOOKS_STOP_MS);
      if (!closed) logger.warn({ deadline_ms: WEBHOOKS_STOP_MS }, 'webhook attempts did not finish in time');
      sender.close();
      if (closed && reachable) await closeRedis(connection).catch(() => connection.disconnect());
      else connection.disconnect();
    },
  };
}
