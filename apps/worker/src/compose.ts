import {
  connectInfrastructure,
  createAutorestartRepository,
  createFeedbackRepository,
  createGaugesRepository,
  createHandlerLostRepository,
  createJobRunsRepository,
  createLogRetentionRepository,
  createMirrorMarksRepository,
  createWebhookDeliveriesRepository,
  createWebhooksQueue,
  createManagementApp,
  createMetrics,
  scheduleAutorestarts,
  Shutdown,
  watchRedis,
  type Config,
  type Logger,
} from '@luna-streams/shared';
import { createWorkerApp, workerServiceRouter, type WorkerDeps } from './app';
import { startGauges } from './gauges';
import { JOBS_STOP_MS, startJobs } from './jobs-runner';
import { startWebhooks } from './webhooks/runner';

/**
 * Builds the worker: its HTTP face (feedback, health) and, with the `jobs` role, the
 * background jobs. main.ts and the tests both start here.
 */
export function composeWorker(config: Config, logger: Logger) {
  const { db, redis, pendingQueue, jobsQueue, close } = connectInfrastructure(config, logger);
  const jobRuns = createJobRunsRepository(db);
  const metrics = createMetrics('worker');
  const webhookDeliveries = createWebhookDeliveriesRepository(db);
  const webhooksQueue = createWebhooksQueue(redis, config.REDIS_PREFIX);
  webhooksQueue.on('error', (error) => logger.debug({ err: error }, 'queue error'));
  const runsJobs = config.WORKER_ROLES.includes('jobs');
  const jobs = runsJobs
    ? startJobs(
        {
          config,
          logger,
          lostHandlers: createHandlerLostRepository(db),
          autorestarts: createAutorestartRepository(db),
          logRetention: createLogRetentionRepository(db),
          jobRuns,
          mirrorMarks: createMirrorMarksRepository(db),
          redis,
          pendingQueue,
          webhookDeliveries,
          webhooksQueue,
          metrics,
        },
        jobsQueue,
        db,
      )
    : undefined;
  const webhooks = runsJobs
    ? startWebhooks({ config, logger, db, metrics }, webhookDeliveries, webhooksQueue)
    : undefined;
  const redisWatch = watchRedis(redis);
  const gauges = startGauges({
    metrics,
    gauges: createGaugesRepository(db),
    pendingQueue,
    jobsQueue,
    intervalMs: 15_000,
    logger,
  });

  // Steps run after the HTTP server has closed, in this order, each within its deadline.
  const shutdown = new Shutdown(logger);
  // Deadlines: the jobs 6 s, timers 0.5 s, connections 3 s; with the HTTP server's 10 s, a
  // worker exits within 20 s of SIGTERM (docs/dev/operations.md).
  // Webhook attempts stop alongside the jobs, within the same deadline.
  if (jobs) {
    shutdown.add(
      'jobs',
      async () => {
        await Promise.all([jobs.stop(), webhooks?.stop()]);
      },
      JOBS_STOP_MS + 1000,
    );
  }
  shutdown.add(
    'timers',
    async () => {
      gauges.stop();
      redisWatch.stop();
    },
    500,
  );
  // The webhooks queue closes beside the others (it shares their connection).
  shutdown.add('connections', async () => {
    await Promise.all([webhooksQueue.close(), close()]);
  });

  const deps: WorkerDeps = {
    config,
    logger,
    db,
    redis,
    redisWatch,
    ...(jobs ? { jobs } : {}),
    shutdown,
    jobRuns,
    feedback: createFeedbackRepository(db),
    scheduleAutorestarts: (restarts) => scheduleAutorestarts(jobsQueue, restarts, logger),
    metrics,
    refreshGauges: () => gauges.refresh(),
  };
  const management = createManagementApp(workerServiceRouter(deps), logger, metrics);
  return {
    app: createWorkerApp(deps),
    management,
    deps,
    shutdown,
    jobsQueue,
    pendingQueue,
    jobs,
    webhooks,
    webhooksQueue,
  };
}
