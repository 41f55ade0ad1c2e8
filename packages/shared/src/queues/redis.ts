import { readFileSync } from 'node:fs';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from '../log';
import type { RedisTarget, RedisTls } from '../redis-target';

/** A connection to the Redis the settings name: one server, a Cluster, or a Sentinel-managed master. */
export type RedisConnection = Redis | Cluster;

export type RedisRole = 'request' | 'worker';

/**
 * The one place where the service opens a Redis connection (docs/dev/conventions.md, BullMQ):
 * connections on request paths fail fast while Redis is away (no offline queue, one
 * retry); BullMQ workers need maxRetriesPerRequest null (their blocking connection is a
 * duplicate of this one); every connection gets an error listener, since an unhandled
 * 'error' exits the process.
 */
export function createRedis(target: RedisTarget, options: { role: RedisRole; logger?: Logger }): RedisConnection {
  const redis = open(target, options.role);
  let lastReported = 0;
  redis.on('error', (error) => {
    // One line per 10 s is enough to tell an operator that Redis is away.
    if (Date.now() - lastReported > 10_000) {
      lastReported = Date.now();
      options.logger?.warn({ err: error, redis_mode: target.mode }, 'Redis connection error');
    }
  });
  return redis;
}

function open(target: RedisTarget, role: RedisRole): RedisConnection {
  const perConnection: RedisOptions = {
    connectTimeout: 2000,
    ...(role === 'request' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...(target.mode !== 'single' && target.username !== undefined ? { username: target.username } : {}),
    ...(target.mode !== 'single' && target.password !== undefined ? { password: target.password } : {}),
    ...(target.tls ? { tls: tlsOptions(target.tls) } : {}),
  };
  switch (target.mode) {
    case 'single':
      return new Redis(target.url, perConnection);
    case 'cluster': {
      // Plain commands are routed by slot; BullMQ keeps a queue's keys in one slot
      // through the hash-tagged prefix ({luna}). The offline queue is a Cluster option.
      const { enableOfflineQueue, ...redisOptions } = perConnection;
      const cluster: ClusterOptions = {
        redisOptions,
        enableOfflineQueue: enableOfflineQueue ?? true,
        clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        slotsRefreshTimeout: 2000,
      };
      return new Cluster(target.nodes, cluster);
    }
    case 'sentinel':
      return new Redis({
        ...perConnection,
        sentinels: target.sentinels,
        name: target.masterName,
        role: 'master',
        sentinelRetryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        // Follow a failover as soon as the sentinels announce it, and reconnect (to the
        // new master, asking the sentinels again) if a command meets a demoted one.
        failoverDetector: true,
        reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
        ...(target.tls ? { enableTLSForSentinelMode: true, sentinelTLS: tlsOptions(target.tls) } : {}),
      });
  }
}

function tlsOptions(tls: RedisTls): { ca?: Buffer } {
  return tls.caFile !== undefined ? { ca: readFileSync(tls.caFile) } : {};
}

/**
 * Closes a connection: QUIT when connected, then disconnect, which also closes what QUIT
 * leaves open (the subscriptions of Sentinel mode's failover detector).
 */
export async function closeRedis(redis: RedisConnection): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => undefined);
  redis.disconnect();
}
