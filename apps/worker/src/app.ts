import express from 'express';
import type {
  Config,
  Database,
  FeedbackRepository,
  JobRunsRepository,
  Logger,
  Metrics,
  RedisConnection,
  ScheduledAutorestart,
  Shutdown,
} from '@luna-streams/shared';
import {
  errorHandler,
  feedbackRouter,
  healthcheck,
  httpMetrics,
  jsonBody,
  metricsEndpoint,
  notFound,
  requestId,
  requestLog,
  requireAdminToken,
  route,
  shedLoad,
} from '@luna-streams/shared';

export interface WorkerDeps {
  config: Config;
  logger: Logger;
  db: Database;
  redis: RedisConnection;
  shutdown: Shutdown;
  jobRuns: JobRunsRepository;
  feedback: FeedbackRepository;
  scheduleAutorestarts: (restarts: ScheduledAutorestart[]) => Promise<void>;
  metrics: Metrics;
  refreshGauges: () => Promise<void>;
}

/** The worker's HTTP face: the agents' feedback endpoint and its health. */
export function createWorkerApp(deps: WorkerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestId());
  app.use(requestLog(deps.logger));
  app.use(httpMetrics(deps.metrics));
  app.use('/1/streams/feedback', shedLoad(deps.db.pool));
  app.use(jsonBody());
  const router = express.Router();
  route(router, '/healthcheck', {
    get: healthcheck({
      // Its own connection: a busy feedback pool must not take a healthy copy out of rotation.
      pool: deps.db.healthPool,
      redis: deps.redis,
      // When each scheduled job last ran, from PostgreSQL: every worker copy answers the same.
      details: async () => ({
        jobs: Object.fromEntries(
          (await deps.jobRuns.jobRuns()).map((run) => [
            run.job,
            {
              last_started_at: run.last_started_at.toISOString(),
              last_finished_at: run.last_finished_at?.toISOString() ?? null,
              last_error: run.last_error,
            },
          ]),
        ),
      }),
    }),
  });
  route(router, '/metrics', { get: [requireAdminToken(deps.config.ADMIN_TOKEN), metricsEndpoint(deps.metrics)] });
  app.use(router);
  app.use(feedbackRouter(deps));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
