import express from 'express';
import type {
  Config,
  Database,
  FeedbackRepository,
  JobRunsRepository,
  Logger,
  Metrics,
  RedisConnection,
  RedisWatch,
  ScheduledAutorestart,
  Shutdown,
} from '@luna-streams/shared';
import {
  createExpressApp,
  errorHandler,
  feedbackRouter,
  healthcheck,
  httpMetrics,
  redisDegraded,
  jsonBody,
  metricsEndpoint,
  notFound,
  requestId,
  requestLog,
  requireAdminToken,
  route,
  shedLoad,
} from '@luna-streams/shared';
import { jobsDegraded, jobsDetails } from './jobs-health';
import type { JobsRunner } from './jobs-runner';

export interface WorkerDeps {
  config: Config;
  logger: Logger;
  db: Database;
  redis: RedisConnection;
  /** Whether `redis` reaches Redis, kept current in the background for /healthcheck. */
  redisWatch: RedisWatch;
  /** The background jobs, on a copy with the `jobs` role. */
  jobs?: Pick<JobsRunner, 'status'>;
  shutdown: Shutdown;
  jobRuns: JobRunsRepository;
  feedback: FeedbackRepository;
  scheduleAutorestarts: (restarts: ScheduledAutorestart[]) => Promise<void>;
  metrics: Metrics;
  refreshGauges: () => Promise<void>;
}

/** The worker's health and metrics: on WORKER_PORT, and on WORKER_MANAGEMENT_PORT when set. */
export function workerServiceRouter(deps: WorkerDeps): express.Router {
  const router = express.Router();
  route(router, '/healthcheck', {
    get: healthcheck({
      // Its own connection: a busy feedback pool must not take a healthy copy out of rotation.
      pool: deps.db.healthPool,
      // From state kept in the background: an answer never waits on Redis.
      degraded: () => [...redisDegraded(deps.redisWatch), ...(deps.jobs ? jobsDegraded(deps.jobs.status()) : [])],
      details: () => jobsDetails(deps.config, deps.jobRuns, deps.jobs?.status()),
    }),
  });
  route(router, '/metrics', { get: [requireAdminToken(deps.config.ADMIN_TOKEN), metricsEndpoint(deps.metrics)] });
  return router;
}

/** The worker's HTTP face: the agents' feedback endpoint and its health. */
export function createWorkerApp(deps: WorkerDeps): express.Express {
  const app = createExpressApp();
  app.use(requestId());
  app.use(requestLog(deps.logger));
  app.use(httpMetrics(deps.metrics));
  app.use('/1/streams/feedback', shedLoad(deps.db.pool));
  app.use(jsonBody());
  app.use(workerServiceRouter(deps));
  app.use(feedbackRouter(deps));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
