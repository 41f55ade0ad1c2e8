import {
  createJobsFallbackRepository,
  createRedis,
  closeRedis,
  JOB_NAMES,
  JOBS_QUEUE,
  SELF_REMOVING,
  watchRedis,
  type Database,
  type JobName,
  type RedisState,
} from '@luna-streams/shared';
import { Worker, type Job, type Queue } from 'bullmq';
import { closeWorkerWithin } from './close-worker';
import { startFallback, type FallbackState } from './jobs-fallback';
import type { JobContext } from './jobs/context';
import { recordRun } from './jobs/record';
import { JOB_HANDLERS, schedulers } from './schedulers';
import { sweepStalled } from './stall';

/** How long the jobs step of a shutdown waits for running jobs before leaving them (they are all re-runnable). */
export const JOBS_STOP_MS = 5000;

export interface JobsStatus {
  /** Whether BullMQ can run the jobs: Redis reachable and the schedulers in place. */
  bullmq: RedisState;
  fallback: FallbackState;
}

export interface JobsRunner {
  status(): JobsStatus;
  stop(): Promise<void>;
}

/**
 * Runs the background jobs: one BullMQ worker for the jobs queue, and the job schedulers.
 * A scheduler ticks once across all worker copies; schedulers live in Redis, so they are
 * upserted at start, whenever the connection is ready again, and every RECONCILE_INTERVAL
 * (an upsert is idempotent), which brings them back after Redis lost them. While BullMQ
 * cannot run them, the PostgreSQL fallback (jobs-fallback.ts) keeps the sweep and the
 * autorestarts going.
 */
export function startJobs(ctx: JobContext, jobsQueue: Queue, db: Database): JobsRunner {
  const { config, logger, jobRuns } = ctx;
  const list = schedulers(config);

  let upsertFailing: { since: Date; message: string } | null = null;
  const upsertSchedulers = async () => {
    for (const s of list) {
      if (s.enabled) {
        await jobsQueue.upsertJobScheduler(s.name, { every: s.everyMs }, { name: s.name, opts: SELF_REMOVING });
      } else {
        await jobsQueue.removeJobScheduler(s.name);
      }
    }
  };
  /** Resolves true when every scheduler is in place. */
  const upsertQuietly = () =>
    upsertSchedulers().then(
      () => {
        upsertFailing = null;
        return true;
      },
      (error: unknown) => {
        upsertFailing = { since: upsertFailing?.since ?? new Date(), message: (error as Error).message };
        logger.warn({ err: error }, 'job schedulers not upserted; will retry');
        return false;
      },
    );

  const scheduled = new Set<string>(list.map((s) => s.name));
  const inFlight = new Set<Promise<object>>();
  const runJob = async (job: Job) => {
    const handler = JOB_HANDLERS[job.name as JobName];
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    // Scheduled jobs record their runs in PostgreSQL, for /healthcheck and operators.
    const run = scheduled.has(job.name) ? recordRun(jobRuns, job.name, () => handler(job, ctx)) : handler(job, ctx);
    inFlight.add(run);
    return run.finally(() => inFlight.delete(run));
  };

  // The queue talks through the plain connection, the worker through its own: upsert
  // when either is ready again (the later one succeeds).
  const startWorker = () => {
    const connection = createRedis(config.redis, { role: 'worker', logger });
    const worker = new Worker(JOBS_QUEUE, runJob, { connection, prefix: config.REDIS_PREFIX, concurrency: 4 });
    worker.on('error', (error) => logger.warn({ err: error }, 'jobs worker error'));
    worker.on('failed', (job, error) => logger.warn({ err: error, job_id: job?.id, job: job?.name }, 'job failed'));
    connection.on('ready', () => void upsertQuietly());
    return { worker, connection, watch: watchRedis(connection), startedAt: Date.now() };
  };
  ctx.redis.on('ready', () => void upsertQuietly());

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
    stuck.watch.stop();
    // Not awaited: a hung worker's close() never returns. Disconnecting fails its commands.
    void stuck.worker.close(true).catch(() => undefined);
    stuck.connection.disconnect();
  };
  const tick = async () => {
    if (!(await upsertQuietly())) return;
    await replaceIfStalled().catch((error: unknown) => logger.warn({ err: error }, 'jobs stall check failed'));
  };
  void upsertQuietly();
  const timer = setInterval(() => void tick(), config.RECONCILE_INTERVAL * 1000);

  const bullmq = (): RedisState => {
    const redis = current.watch.state();
    if (!redis.up || !upsertFailing) return redis;
    return { up: false, since: upsertFailing.since, reason: `job schedulers not upserted: ${upsertFailing.message}` };
  };
  const fallbackStore = createJobsFallbackRepository(db.pool, config.DATABASE_URL);
  const fallback = startFallback(ctx, fallbackStore, () => bullmq().up);
  logger.info({ jobs: Object.values(JOB_NAMES) }, 'background jobs started');

  return {
    status: () => ({ bullmq: bullmq(), fallback: fallback.state() }),
    async stop() {
      clearInterval(timer);
      const { worker, connection, watch } = current;
      const reachable = watch.state().up;
      watch.stop();
      await fallback.stop();
      await fallbackStore.close();
      const closed = await closeWorkerWithin(worker, inFlight, reachable, JOBS_STOP_MS);
      if (!closed) logger.warn({ deadline_ms: JOBS_STOP_MS }, 'jobs did not finish in time; left behind');
      // QUIT would wait on a Redis that stopped answering.
      if (reachable) await closeRedis(connection);
      else connection.disconnect();
    },
  };
}
