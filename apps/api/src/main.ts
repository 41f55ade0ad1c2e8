import {
  closeRedis,
  createDatabase,
  createLogger,
  createRedis,
  createStreamsRepository,
  loadConfigOrExit,
  migrateWhenReachable,
  Shutdown,
} from '@luna-streams/shared';
import { createApp } from './app';

// config → dependencies → listen → shutdown wiring; nothing else.
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'luna-streams-api' });
  await migrateWhenReachable(config.DATABASE_URL, logger);

  const db = createDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    logger,
  });
  const redis = createRedis(config.REDIS_URL, { role: 'request', logger });
  const shutdown = new Shutdown(logger);
  const app = createApp({ config, logger, db, redis, streams: createStreamsRepository(db.prisma), shutdown });

  const server = app.listen(config.PORT, () => logger.info({ port: config.PORT }, 'luna-streams API listening'));
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'HTTP server failed');
    process.exit(1);
  });
  shutdown.setServer(server);
  shutdown.add('redis', () => closeRedis(redis));
  shutdown.add('database', () => db.close());
  shutdown.onSignals();
}

main().catch((error: unknown) => {
  process.stderr.write(`luna-streams API failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
