import { Queue } from 'bullmq';
import type { Logger } from '../log';
import type { RedisConnection } from './redis';
import { SELF_REMOVING } from './names';

// Webhook deliveries ride a queue of their own, so thousands of slow receivers never
// delay the sweep or the autorestart timers. A job is only a wake-up call for one
// attempt of one delivery (docs/dev/webhooks.md): PostgreSQL holds the message and its
// state, and reconcile re-adds the wake-ups Redis lost.

export const WEBHOOKS_QUEUE = 'luna-webhooks';
export const WEBHOOK_DELIVERY_JOB = 'webhook-delivery';

export interface WebhookWakeup {
  delivery_id: string;
  webhook_id: string;
  /** The delivery's `wake` this job was made for: a stale or duplicate one claims nothing. */
  wake: number;
  /** Milliseconds from now. */
  delayMs?: number;
}

/** The id names the wake, so adding the same wake-up twice adds one job. */
export function deliveryJobId(deliveryId: string, wake: number): string {
  return `whd-${deliveryId}-${wake}`;
}

export function createWebhooksQueue(connection: RedisConnection, prefix: string): Queue {
  return new Queue(WEBHOOKS_QUEUE, { connection, prefix, defaultJobOptions: SELF_REMOVING });
}

/** Adds the wake-ups; with Redis away they are lost and reconcile adds them again later. */
export async function wakeDeliveries(queue: Queue, wakeups: WebhookWakeup[], logger: Logger): Promise<boolean> {
  if (wakeups.length === 0) return true;
  try {
    await queue.addBulk(
      wakeups.map(({ delivery_id, webhook_id, wake, delayMs }) => ({
        name: WEBHOOK_DELIVERY_JOB,
        data: { delivery_id, webhook_id, wake },
        opts: { jobId: deliveryJobId(delivery_id, wake), ...(delayMs ? { delay: Math.max(0, delayMs) } : {}) },
      })),
    );
    return true;
  } catch (error) {
    logger.warn({ err: error, deliveries: wakeups.length }, 'webhook wake-ups not added; reconcile will add them');
    return false;
  }
}

/**
 * Reconcile's half: adds only the wake-ups whose job is not in Redis (one pipelined
 * EXISTS), so a backlog of jobs waiting their turn costs one round trip, not an add each.
 */
export async function wakeLostDeliveries(
  queue: Queue,
  redis: RedisConnection,
  wakeups: WebhookWakeup[],
  logger: Logger,
): Promise<number> {
  if (wakeups.length === 0) return 0;
  const pipeline = redis.pipeline();
  for (const w of wakeups) pipeline.exists(queue.toKey(deliveryJobId(w.delivery_id, w.wake)));
  const answers = (await pipeline.exec()) ?? [];
  const lost = wakeups.filter((_w, i) => answers[i]?.[1] === 0);
  await wakeDeliveries(queue, lost, logger);
  return lost.length;
}
