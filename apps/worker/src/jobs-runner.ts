import { createRedis, closeRedis, JOB_NAMES, JOBS_QUEUE, SELF_REMOVING, type JobName } from '@luna-streams/shared';
import { Worker, type Job, type Queue } from 'bullmq';
import type { JobContext } from './jobs/context';
import { JOB_HANDLERS, schedulers } from './schedulers';

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
  const upsertQuietly = () =>
    upsertSchedulers().catch((error: unknown) =>
      logger.warn({ err: error }, 'job schedulers not upserted; will retry'),
    );

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

  const connection = createRedis(config.redis, { role: 'worker', logger });
  const worker = new Worker(JOBS_QUEUE, runJob, { connection, prefix: config.REDIS_PREFIX, concurrency: 4 });
  worker.on('error', (error) => logger.warn({ err: error }, 'jobs worker error'));
  worker.on('failed', (job, error) => logger.warn({ err: error, job_id: job?.id, job: job?.name }, 'job failed'));
  connection.on('ready', () => void upsertQuietly());
  void upsertQuietly();
  const timer = setInterval(() => void upsertQuietly(), config.RECONCILE_INTERVAL * 1000);
  logger.info({ jobs: Object.values(JOB_NAMES) }, 'background jobs started');

  return {
    async stop() {
      clearInterval(timer);
      await worker.close();
      await closeRedis(connection);
    },
  };
}
