import express from 'express';
import type { Config, Database, FeedbackRepository, Logger, Shutdown } from '@luna-streams/shared';
import {
  errorHandler,
  feedbackRouter,
  healthcheck,
  jsonBody,
  notFound,
  requestId,
  requestLog,
  route,
} from '@luna-streams/shared';
import type { Redis } from 'ioredis';

export interface WorkerDeps {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis;
  shutdown: Shutdown;
  feedback: FeedbackRepository;
}

/** The worker's HTTP face: the agents' feedback endpoint and its health. */
export function createWorkerApp(deps: WorkerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestId());
  app.use(requestLog(deps.logger));
  app.use(deps.shutdown.connectionClose());
  app.use(jsonBody());
  const router = express.Router();
  route(router, '/healthcheck', { get: healthcheck({ pool: deps.db.pool, redis: deps.redis }) });
  app.use(router);
  app.use(feedbackRouter(deps.feedback));
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
