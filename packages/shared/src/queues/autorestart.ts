import { Queue } from 'bullmq';
import type { ScheduledAutorestart } from '../domain/autorestart';
import type { Logger } from '../log';
import type { RedisConnection } from './redis';
import { autorestartJobId, JOB_NAMES, JOBS_QUEUE, SELF_REMOVING, type AutorestartJobData } from './names';

export function createJobsQueue(connection: RedisConnection, prefix: string): Queue {
  return new Queue(JOBS_QUEUE, { connection, prefix, defaultJobOptions: SELF_REMOVING });
}

/**
 * Sets a wake-up timer for each failure that autorestart will retry (DESIGN.md section 5).
 * The timer only wakes the worker: its handler re-reads the stream and claims it with a
 * guarded UPDATE. If Redis is away the timer is lost and reconcile restarts the stream
 * from PostgreSQL instead, so this never fails the agent's request.
 */
export async function scheduleAutorestarts(
  queue: Queue,
  restarts: ScheduledAutorestart[],
  logger: Logger,
): Promise<void> {
  if (restarts.length === 0) return;
  try {
    await queue.addBulk(
      restarts.map(({ stream_id, at }) => {
        const deadline = at.getTime();
        const data: AutorestartJobData = { stream_id, deadline };
        return {
          name: JOB_NAMES.autorestart,
          data,
          opts: { jobId: autorestartJobId(stream_id, deadline), delay: Math.max(0, deadline - Date.now()) },
        };
      }),
    );
  } catch (error) {
    logger.warn({ err: error, streams: restarts.length }, 'autorestart timers not set; reconcile will restart them');
  }
}
