import {
  connectInfrastructure,
  createFeedbackRepository,
  createGroupsRepository,
  createManagementApp,
  createMetrics,
  createQueueRepository,
  createStreamChangesRepository,
  createStreamLogFeed,
  createStreamLogsRepository,
  createStreamsRepository,
  createWebhooksQueue,
  createWebhooksRepository,
  deniedNetworks,
  scheduleAutorestarts,
  Shutdown,
  startMirrorDrain,
  watchRedis,
  type Config,
  type Logger,
} from '@luna-streams/shared';
import { createApp } from './app';
import { serviceRouter } from './routes/service';
import { FeedHub } from './events/feed-hub';
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
  const redisWatch = watchRedis(redis);
  const webhooksQueue = createWebhooksQueue(redis, config.REDIS_PREFIX);
  webhooksQueue.on('error', (error) => logger.debug({ err: error }, 'queue error'));

  const metrics = createMetrics('api');
  const eventFeed = createStreamLogFeed(db);
  const events = new FeedHub({
    feed: eventFeed,
    pollIntervalMs: config.EVENTS_POLL_INTERVAL_MS,
    metrics,
    logger,
    pingIntervalMs: config.EVENTS_PING_INTERVAL * 1000,
  });
  events.start();

  // Steps run after the HTTP server has closed, in this order.
  const shutdown = new Shutdown(logger);
  // Event streams never finish on their own: they end as soon as the server stops accepting.
  shutdown.onClosing(() => events.stop());
  shutdown.add('mirror drain', () => {
    redisWatch.stop();
    return mirror.stop();
  });
  // The webhooks queue closes beside the others (it shares their connection).
  shutdown.add('connections', async () => {
    await Promise.all([webhooksQueue.close(), close()]);
  });

  const deps: ApiDeps = {
    config,
    logger,
    db,
    redis,
    redisWatch,
    streams: createStreamsRepository(db),
    streamChanges: createStreamChangesRepository(db),
    streamLogs: createStreamLogsRepository(db),
    eventFeed,
    events,
    queue: createQueueRepository(db, { maxInProgress: config.MAX_IN_PROGRESS_STREAMS }),
    feedback: createFeedbackRepository(db),
    groups: createGroupsRepository(db),
    webhooks: createWebhooksRepository(db),
    webhooksQueue,
    deniedNetworks: deniedNetworks(config.WEBHOOK_DENY_NETWORKS),
    scheduleAutorestarts: (restarts) => scheduleAutorestarts(jobsQueue, restarts, logger),
    mirror,
    shutdown,
    metrics,
    dashboardQueues: [pendingQueue, jobsQueue, webhooksQueue],
  };
  const management = createManagementApp(serviceRouter(deps), logger, metrics);
  return { app: createApp(deps), management, deps, shutdown, pendingQueue };
}
