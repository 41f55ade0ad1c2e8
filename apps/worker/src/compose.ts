import {
  closeRedis,
  createBackgroundRepository,
  createDatabase,
  createFeedbackRepository,
  createJobsQueue,
  createMetrics,
  createPendingQueue,
  createRedis,
  scheduleAutorestarts,
  Shutdown,
  type Config,
  type Logger,
} from '@luna-streams/shared';
import { createWorkerApp, type WorkerDeps } from './app';
import { startGauges } from './gauges';
import { startJobs } from './jobs-runner';

/**
 * Builds the worker: its HTTP face (feedback, health) and, with the `jobs` role, the
 * background jobs. main.ts and the tests both start here.
 */
export function composeWorker(config: Config, logger: Logger) {
  const db = createDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    logger,
  });
  // Producers fail fast while Redis is away; the jobs runner has its own blocking connection.
  const redis = createRedis(config.REDIS_URL, { role: 'request', logger });
  const jobsQueue = createJobsQueue(redis, config.REDIS_PREFIX);
  const pendingQueue = createPendingQueue(redis, config.REDIS_PREFIX);
  for (const queue of [jobsQueue, pendingQueue]) {
    queue.on('error', (error) => logger.debug({ err: error }, 'queue error'));
  }
  const background = createBackgroundRepository(db);
  const metrics = createMetrics('worker');
  const jobs = config.WORKER_ROLES.includes('jobs')
    ? startJobs({ config, logger, background, redis, pendingQueue, metrics }, jobsQueue)
    : undefined;
  const gauges = startGauges({ metrics, background, pendingQueue, jobsQueue, intervalMs: 15_000, logger });

  // Steps run after the HTTP server has closed, in this order.
  const shutdown = new Shutdown(logger);
  if (jobs) shutdown.add('jobs', () => jobs.stop());
  shutdown.add('gauges', async () => gauges.stop());
  shutdown.add('queues', () => Promise.all([jobsQueue.close(), pendingQueue.close()]));
  shutdown.add('redis', () => closeRedis(redis));
  shutdown.add('database', () => db.close());

  const deps: WorkerDeps = {
    config,
    logger,
    db,
    redis,
    shutdown,
    background,
    feedback: createFeedbackRepository(db),
    scheduleAutorestarts: (restarts) => scheduleAutorestarts(jobsQueue, restarts, logger),
    metrics,
    refreshGauges: () => gauges.refresh(),
  };
  return { app: createWorkerApp(deps), deps, shutdown, jobsQueue, pendingQueue };
}
