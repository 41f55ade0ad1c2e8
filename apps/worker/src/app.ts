import express from 'express';
import type { Config, Database, Logger, Shutdown } from '@luna-streams/shared';
import { errorHandler, healthcheck, jsonBody, notFound, requestId, requestLog, route } from '@luna-streams/shared';
import type { Redis } from 'ioredis';

export interface WorkerDeps {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis;
  shutdown: Shutdown;
}

/** The worker's HTTP face: its health now; the agents' feedback endpoint joins it later. */
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
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
