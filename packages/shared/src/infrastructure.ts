import type { Config } from './config';
import type { Logger } from './log';
import { createJobsQueue } from './queues/autorestart';
import { createPendingQueue } from './queues/mirror';
import { closeRedis, createRedis } from './queues/redis';
import { createDatabase } from './store/database';

/**
 * The connections both apps open: the PostgreSQL pool (with Prisma on it), one Redis
 * connection for producers (fails fast while Redis is away), and the two BullMQ queues.
 * `close` shuts them in the order docs/dev/conventions.md gives: queues, then Redis, then the pool.
 */
export function connectInfrastructure(config: Config, logger: Logger) {
  const db = createDatabase({
    url: config.DATABASE_URL,
    poolSize: config.DB_POOL_SIZE,
    maxWaiting: config.DB_POOL_MAX_WAITING,
    waitTimeoutMs: config.DB_POOL_WAIT_TIMEOUT_MS,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    logger,
  });
  const redis = createRedis(config.redis, { role: 'request', logger });
  const pendingQueue = createPendingQueue(redis, config.REDIS_PREFIX);
  const jobsQueue = createJobsQueue(redis, config.REDIS_PREFIX);
  for (const queue of [pendingQueue, jobsQueue]) {
    queue.on('error', (error) => logger.debug({ err: error }, 'queue error'));
  }
  return {
    db,
    redis,
    pendingQueue,
    jobsQueue,
    async close(): Promise<void> {
      await Promise.all([pendingQueue.close(), jobsQueue.close()]);
      await closeRedis(redis);
      await db.close();
    },
  };
}
