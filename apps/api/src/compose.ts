import {
  connectInfrastructure,
  createFeedbackRepository,
  createGroupsRepository,
  createMetrics,
  createQueueRepository,
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
  const { db, redis, pendingQueue, jobsQueue, close } = connectInfrastructure(config, logger);
  const mirror = startMirrorDrain({
    pool: db.pool,
    queue: pendingQueue,
    intervalMs: config.MIRROR_DRAIN_INTERVAL_MS,
    logger,
  });

  // Steps run after the HTTP server has closed, in this order.
  const shutdown = new Shutdown(logger);
  shutdown.add('mirror drain', () => mirror.stop());
  shutdown.add('connections', close);

  const deps: ApiDeps = {
    config,
    logger,
    db,
    redis,
    streams: createStreamsRepository(db),
    streamChanges: createStreamChangesRepository(db),
    streamLogs: createStreamLogsRepository(db),
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
