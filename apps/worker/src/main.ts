import {
  createHttpServer,
  createLogger,
  listen,
  listenManagement,
  loadConfigOrExit,
  migrateWhenReachable,
} from '@luna-streams/shared';
import { composeWorker } from './compose';

// config → dependencies → workers and schedulers → http → shutdown.
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'luna-streams-worker' });
  await migrateWhenReachable(config.DATABASE_URL, logger);

  const { app, management, shutdown } = composeWorker(config, logger);
  if (config.WORKER_ROLES.includes('http')) {
    const server = createHttpServer(app, config, logger);
    const port = await listen(server, config.WORKER_PORT, 'WORKER_PORT', logger);
    logger.info({ port }, 'luna-streams worker listening');
    shutdown.addServer(server);
  }
  // Also on a copy that only runs jobs: its health, for an orchestrator's probe.
  await listenManagement(management, config.WORKER_MANAGEMENT_PORT, 'WORKER_MANAGEMENT_PORT', {
    config,
    logger,
    shutdown,
  });
  shutdown.onSignals();
}

main().catch((error: unknown) => {
  process.stderr.write(`luna-streams worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
