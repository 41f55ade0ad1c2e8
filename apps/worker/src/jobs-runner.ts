import { createRedis, closeRedis, JOB_NAMES, JOBS_QUEUE, SELF_REMOVING, type JobName } from '@luna-streams/shared';
import { Worker, type Job, type Queue } from 'bullmq';
import type { JobContext } from './jobs/context';
import { JOB_HANDLERS, schedulers } from './schedulers';
import { sweepStalled } from './stall';

/**
 * Runs the background jobs: one BullMQ worker for the jobs queue, and the job schedulers.
 * A scheduler ticks once across all worker copies; schedulers live in Redis, so they are
 * upserted at start, whenever the connection is ready again, and every RECONCILE_INTERVAL
 * (an upsert is idempotent), which brings them back after Redis lost them.
 */
export function startJobs(ctx: JobContext, jobsQueue: Queue): { stop(): Promise<void> } {
  const { config, logger, jobRuns } = ctx;
  const list = schedulers(config);

  const upsertSchedulers = async () => {
    for (const s of list) {
      if (s.enabled) {
        await jobsQueue.upsertJobScheduler(s.name, { every: s.everyMs }, { name: s.name, opts: SELF_REMOVING });
      } else {
        await jobsQueue.removeJobScheduler(s.name);
      }
    }
  };

  const scheduled = new Set<string>(list.map((s) => s.name));
  const runJob = async (job: Job) => {
    const handler = JOB_HANDLERS[job.name as JobName];
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    if (!scheduled.has(job.name)) return handler(job, ctx);
    // Scheduled jobs record their runs in PostgreSQL, for /healthcheck and operators.
    await jobRuns.recordStart(job.name);
    try {
      const result = await handler(job, ctx);
      await jobRuns.recordFinish(job.name, result, null);
      return result;
    } catch (error) {
      await jobRuns.recordFinish(job.name, null, (error as Error).message).catch(() => undefined);
      throw error;
    }
  };

  const startWorker = () => {
    const connection = createRedis(config.redis, { role: 'worker', logger });
    const worker = new Worker(JOBS_QUEUE, runJob, { connection, prefix: config.REDIS_PREFIX, concurrency: 4 });
    worker.on('error', (error) => logger.warn({ err: error }, 'jobs worker error'));
    worker.on('failed', (job, error) => logger.warn({ err: error, job_id: job?.id, job: job?.name }, 'job failed'));
    connection.on('ready', () => void upsertQuietly());
    return { worker, connection, startedAt: Date.now() };
  };

  // A BullMQ worker on a Redis Cluster can hang for good when the master of its slot is
  // killed (a command of its own never settles; even close() waits on it): no job runs
  // again on this copy. When the schedulers could be upserted (Redis answers) but no
  // sweep has started on any copy for three rounds of the sweep and of this check, the
  // worker is replaced.
  const stalledAfterMs = 3 * (config.STREAM_STATUS_OBSOLETING_INTERVAL + config.RECONCILE_INTERVAL) * 1000;
  let current = startWorker();
  const replaceIfStalled = async () => {
    const since = await jobRuns.msSinceStart(JOB_NAMES.handlerLostSweep);
    if (!sweepStalled(since, Date.now() - current.startedAt, stalledAfterMs)) return;
    logger.warn({ since_last_sweep_ms: since }, 'background jobs stalled; BullMQ worker replaced');
    const stuck = current;
    current = startWorker();
    // Not awaited: a hung worker's close() never returns. Disconnecting fails its commands.
    void stuck.worker.close(true).catch(() => undefined);
    stuck.connection.disconnect();
  };

  const upsertQuietly = () =>
    upsertSchedulers().then(
      () => true,
      (error: unknown) => {
        logger.warn({ err: error }, 'job schedulers not upserted; will retry');
        return false;
      },
    );
  const tick = async () => {
    if (!(await upsertQuietly())) return;
    await replaceIfStalled().catch((error: unknown) => logger.warn({ err: error }, 'jobs stall check failed'));
  };
  void upsertQuietly();
  const timer = setInterval(() => void tick(), config.RECONCILE_INTERVAL * 1000);
  logger.info({ jobs: Object.values(JOB_NAMES) }, 'background jobs started');

  return {
    async stop() {
      clearInterval(timer);
      await current.worker.close();
      await closeRedis(current.connection);
    },
  };
}
