import {
  closeRedis,
  createDatabase,
  createLogger,
  createRedis,
  loadConfigOrExit,
  migrateWhenReachable,
  Shutdown,
} from '@luna-streams/shared';
import { createWorkerApp } from './app';

// config → dependencies → workers and schedulers → http → shutdown.
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'luna-streams-worker' });
  await migrateWhenReachable(config.DATABASE_URL, logger);

  const db = createDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DB_POOL_SIZE,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    logger,
  });
  const redis = createRedis(config.REDIS_URL, { role: 'worker', logger });
  const shutdown = new Shutdown(logger);
  const app = createWorkerApp({ config, logger, db, redis, shutdown });

  const server = app.listen(config.WORKER_PORT, () =>
    logger.info({ port: config.WORKER_PORT }, 'luna-streams worker listening'),
  );
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
  process.stderr.write(`luna-streams worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
