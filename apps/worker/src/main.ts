import type { AddressInfo } from 'node:net';
import { createLogger, loadConfigOrExit, migrateWhenReachable } from '@luna-streams/shared';
import { composeWorker } from './compose';

// config → dependencies → workers and schedulers → http → shutdown.
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'luna-streams-worker' });
  await migrateWhenReachable(config.DATABASE_URL, logger);

  const { app, shutdown } = composeWorker(config, logger);
  if (config.WORKER_ROLES.includes('http')) {
    const server = app.listen(config.WORKER_PORT, () =>
      logger.info({ port: (server.address() as AddressInfo).port }, 'luna-streams worker listening'),
    );
    server.on('error', (error) => {
      logger.fatal({ err: error }, 'HTTP server failed');
      process.exit(1);
    });
    shutdown.setServer(server);
  }
  shutdown.onSignals();
}

main().catch((error: unknown) => {
  process.stderr.write(`luna-streams worker failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
