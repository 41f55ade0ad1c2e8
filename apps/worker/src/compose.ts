import {
  connectInfrastructure,
  createAutorestartRepository,
  createFeedbackRepository,
  createGaugesRepository,
  createHandlerLostRepository,
  createJobRunsRepository,
  createLogRetentionRepository,
  createMirrorMarksRepository,
  createMetrics,
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
  const { db, redis, pendingQueue, jobsQueue, close } = connectInfrastructure(config, logger);
  const jobRuns = createJobRunsRepository(db);
  const metrics = createMetrics('worker');
  const jobs = config.WORKER_ROLES.includes('jobs')
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
          metrics,
        },
        jobsQueue,
      )
    : undefined;
  const gauges = startGauges({
    metrics,
    gauges: createGaugesRepository(db),
    pendingQueue,
    jobsQueue,
    intervalMs: 15_000,
    logger,
  });

  // Steps run after the HTTP server has closed, in this order.
  const shutdown = new Shutdown(logger);
  if (jobs) shutdown.add('jobs', () => jobs.stop());
  shutdown.add('gauges', async () => gauges.stop());
  shutdown.add('connections', close);

  const deps: WorkerDeps = {
    config,
    logger,
    db,
    redis,
    shutdown,
    jobRuns,
    feedback: createFeedbackRepository(db),
    scheduleAutorestarts: (restarts) => scheduleAutorestarts(jobsQueue, restarts, logger),
    metrics,
    refreshGauges: () => gauges.refresh(),
  };
  return { app: createWorkerApp(deps), deps, shutdown, jobsQueue, pendingQueue };
}
