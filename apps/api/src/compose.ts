import {
  closeRedis,
  createDatabase,
  createFeedbackRepository,
  createGroupsRepository,
  createJobsQueue,
  createMetrics,
  createPendingQueue,
  createQueueRepository,
  createRedis,
  createStreamChangesRepository,
  createStreamLogsRepository,
  createStreamsRepository,
  scheduleAutorestarts,
  Shutdown,
  startMirrorDrain,
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
  const pendingQueue = createPendingQueue(redis, config.REDIS_PREFIX);
  const jobsQueue = createJobsQueue(redis, config.REDIS_PREFIX);
  for (const queue of [pendingQueue, jobsQueue]) {
    queue.on('error', (error) => logger.debug({ err: error }, 'queue error'));
  }
  const mirror = startMirrorDrain({
    pool: db.pool,
    queue: pendingQueue,
    intervalMs: config.MIRROR_DRAIN_INTERVAL_MS,
    logger,
  });

  // Steps run after the HTTP server has closed, in this order.
  const shutdown = new Shutdown(logger);
  shutdown.add('mirror drain', () => mirror.stop());
  shutdown.add('queues', () => Promise.all([pendingQueue.close(), jobsQueue.close()]));
  shutdown.add('redis', () => closeRedis(redis));
  shutdown.add('database', () => db.close());

  const deps: ApiDeps = {
    config,
    logger,
    db,
    redis,
    streams: createStreamsRepository(db),
    streamChanges: createStreamChangesRepository(db.prisma),
    streamLogs: createStreamLogsRepository(db.prisma),
    queue: createQueueRepository(db, { maxInProgress: config.MAX_IN_PROGRESS_STREAMS }),
    feedback: createFeedbackRepository(db),
    groups: createGroupsRepository(db),
    scheduleAutorestarts: (restarts) => scheduleAutorestarts(jobsQueue, restarts, logger),
    mirror,
    shutdown,
    metrics: createMetrics('api'),
    dashboardQueues: [pendingQueue, jobsQueue],
  };
  return { app: createApp(deps), deps, shutdown, pendingQueue };
}
