import {
  createHttpServer,
  createLogger,
  listen,
  listenManagement,
  loadConfigOrExit,
  migrateWhenReachable,
} from '@luna-streams/shared';
import { composeApi } from './compose';

// config → dependencies → listen → shutdown wiring; nothing else.
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'luna-streams-api' });
  await migrateWhenReachable(config.DATABASE_URL, logger);

  const { app, management, shutdown } = composeApi(config, logger);
  const server = createHttpServer(app, config, logger);
  const port = await listen(server, config.PORT, 'PORT', logger);
  logger.info({ port }, 'luna-streams API listening');
  await listenManagement(management, config.MANAGEMENT_PORT, 'MANAGEMENT_PORT', { config, logger, shutdown });
  shutdown.addServer(server);
  shutdown.onSignals();
}

main().catch((error: unknown) => {
  process.stderr.write(`luna-streams API failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
