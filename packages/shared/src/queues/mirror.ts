import { Queue } from 'bullmq';
import type { Pool } from 'pg';
import type { Logger } from '../log';
import type { RedisConnection } from './redis';
import { drainMirrorOutbox, type MirrorEntry } from '../store/mirror-outbox';
import { SELF_REMOVING, STREAMS_PENDING_QUEUE, type PendingJobData } from './names';

// The streams-pending mirror (DESIGN.md section 3): one BullMQ job per pending stream,
// job id = stream id, so dashboards see the queue. Each copy takes the truth from
// PostgreSQL, so order and repetition do not matter. The jobs are added with a priority
// (all alike, so FIFO among themselves): BullMQ keeps prioritized jobs in a sorted set,
// where removing the job of a taken stream costs O(log n). In the plain wait list the
// removal is an LREM that scans the whole list from the newest end, which with many
// pending streams made Redis the busiest process on every take.
const MIRROR_PRIORITY = 1;

export function createPendingQueue(connection: RedisConnection, prefix: string): Queue<PendingJobData> {
  return new Queue<PendingJobData>(STREAMS_PENDING_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: SELF_REMOVING,
  });
}

/** Makes the mirror match the given entries: pending streams present, all others absent. */
export async function copyToMirror(queue: Queue<PendingJobData>, entries: MirrorEntry[]): Promise<void> {
  const pending = entries.filter((e) => e.status === 'pending' && e.account_id !== null);
  const gone = entries.filter((e) => e.status !== 'pending');
  if (pending.length > 0) {
    await queue.addBulk(
      pending.map((e) => ({
        name: 'pending',
        data: { stream_id: e.stream_id, account_id: e.account_id! },
        opts: { jobId: e.stream_id, priority: MIRROR_PRIORITY },
      })),
    );
  }
  await Promise.all(gone.map((e) => queue.remove(e.stream_id)));
}

/**
 * The API's drain loop: drains the outbox while there is work, then waits `intervalMs`.
 * A Redis or PostgreSQL error leaves the marks for the next pass; it is logged at most
 * once every 10 s so an outage does not flood the log.
 */
export function startMirrorDrain(options: {
  pool: Pool;
  queue: Queue<PendingJobData>;
  intervalMs: number;
  logger: Logger;
  batchSize?: number;
}): { stop(): Promise<void>; drainNow(): Promise<number> } {
  const batchSize = options.batchSize ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<number> = Promise.resolve(0);
  let lastError = 0;

  const drainNow = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const copied = await drainMirrorOutbox(
        options.pool,
        (entries) => copyToMirror(options.queue, entries),
        batchSize,
      );
      total += copied;
      if (copied < batchSize || stopped) return total;
    }
  };

  const tick = () => {
    running = drainNow().catch((error: unknown) => {
      if (Date.now() - lastError > 10_000) {
        lastError = Date.now();
        options.logger.warn({ err: error }, 'streams-pending mirror drain failed; will retry');
      }
      return 0;
    });
    void running.then(() => {
      if (!stopped) timer = setTimeout(tick, options.intervalMs);
    });
  };
  timer = setTimeout(tick, 0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    drainNow,
  };
}
