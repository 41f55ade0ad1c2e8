import {
  closeRedis,
  createDatabase,
  createFeedbackRepository,
  createRedis,
  Shutdown,
  type Config,
  type Logger,
} from '@luna-streams/shared';
import { createWorkerApp, type WorkerDeps } from './app';

/** Builds the worker's dependencies and HTTP app; main.ts and the tests both start here. */
export function composeWorker(config: Config, logger: Logger) {
  const db = createDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    logger,
  });
  const redis = createRedis(config.REDIS_URL, { role: 'worker', logger });
  const shutdown = new Shutdown(logger);
  shutdown.add('redis', () => closeRedis(redis));
  shutdown.add('database', () => db.close());
  const deps: WorkerDeps = { config, logger, db, redis, shutdown, feedback: createFeedbackRepository(db) };
  return { app: createWorkerApp(deps), deps, shutdown };
}
