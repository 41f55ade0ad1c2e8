import { Redis } from 'ioredis';
import type { Logger } from '../log';

/**
 * A Redis connection with an error listener (an unhandled 'error' exits the process).
 * Connections on request paths fail fast while Redis is away (enableOfflineQueue false);
 * BullMQ workers need maxRetriesPerRequest null (docs/dev/conventions.md, BullMQ).
 */
export function createRedis(url: string, options: { role: 'request' | 'worker'; logger?: Logger }): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    connectTimeout: 2000,
    ...(options.role === 'request'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { maxRetriesPerRequest: null }),
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let lastReported = 0;
  redis.on('error', (error) => {
    // One line per 10 s is enough to tell an operator that Redis is away.
    if (Date.now() - lastReported > 10_000) {
      lastReported = Date.now();
      options.logger?.warn({ err: error }, 'Redis connection error');
    }
  });
  return redis;
}

/** Closes a connection: QUIT when connected, disconnect otherwise. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}
