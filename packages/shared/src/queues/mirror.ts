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

/** Failed passes in a row, counted in intervals, before the drain reports itself as degraded. */
const DEGRADED_AFTER_INTERVALS = 4;

export interface MirrorDrain {
  stop(): Promise<void>;
  drainNow(): Promise<number>;
  /** Why the mirror is behind, once the drain has failed or hung for a few intervals; null otherwise. */
  problem(): string | null;
}

/**
 * The API's drain loop: drains the outbox while there is work, then waits `intervalMs`.
 * A Redis or PostgreSQL error leaves the marks for the next pass; it is logged at most
 * once every 10 s so an outage does not flood the log. `problem()` says, for
 * /healthcheck, why the mirror has been behind for more than a few intervals (its passes
 * failing, or one pass waiting that long).
 */
export function startMirrorDrain(options: {
  pool: Pool;
  queue: Queue<PendingJobData>;
  intervalMs: number;
  logger: Logger;
  batchSize?: number;
}): MirrorDrain {
  const batchSize = options.batchSize ?? 500;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<number> = Promise.resolve(0);
  let lastError = 0;
  let failing: { since: number; message: string } | null = null;
  let passStarted: number | null = null;

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
    passStarted = Date.now();
    running = drainNow().then(
      (copied) => {
        failing = null;
        return copied;
      },
      (error: unknown) => {
        failing = { since: failing?.since ?? Date.now(), message: (error as Error).message };
        if (Date.now() - lastError > 10_000) {
          lastError = Date.now();
          options.logger.warn({ err: error }, 'streams-pending mirror drain failed; will retry');
        }
        return 0;
      },
    );
    void running.then(() => {
      passStarted = null;
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
    problem() {
      const limit = DEGRADED_AFTER_INTERVALS * options.intervalMs;
      const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
      if (failing && Date.now() - failing.since >= limit)
        return `the streams-pending mirror drain has failed for ${seconds(failing.since)} s: ${failing.message}`;
      // A pass that waits on a server that stopped answering never fails: it is behind all the same.
      if (passStarted !== null && Date.now() - passStarted >= limit)
        return `a streams-pending mirror drain pass has been running for ${seconds(passStarted)} s`;
      return null;
    },
  };
}
