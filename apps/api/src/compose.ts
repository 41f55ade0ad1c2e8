import {
  closeRedis,
  createDatabase,
  createRedis,
  createStreamChangesRepository,
  createStreamLogsRepository,
  createStreamsRepository,
  Shutdown,
  type Config,
  type Logger,
} from '@luna-streams/shared';
import { createApp } from './app';
import type { ApiDeps } from './deps';

/** Builds the API's dependencies and app; main.ts and the tests both start here. */
export function composeApi(config: Config, logger: Logger) {
  const db = createDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    logger,
  });
  const redis = createRedis(config.REDIS_URL, { role: 'request', logger });
  const shutdown = new Shutdown(logger);
  shutdown.add('redis', () => closeRedis(redis));
  shutdown.add('database', () => db.close());
  const deps: ApiDeps = {
    config,
    logger,
    db,
    redis,
    streams: createStreamsRepository(db.prisma),
    streamChanges: createStreamChangesRepository(db.prisma),
    streamLogs: createStreamLogsRepository(db.prisma),
    shutdown,
  };
  return { app: createApp(deps), deps, shutdown };
}
