import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { ERRORS } from '../contract/errors';
import type { HealthComponentError } from '../contract/service';
import type { RedisConnection } from '../queues/redis';

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** PING, after waiting for a connection that is still being made (fresh start, reconnect). */
async function pingRedis(redis: RedisConnection): Promise<unknown> {
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, CHECK_TIMEOUT_MS - 200);
      redis.once('ready', done);
    });
  }
  return redis.ping();
}

function failure(component: 'db' | 'redis', error: unknown): HealthComponentError {
  return {
    component,
    error_code: ERRORS.SERVICE_UNAVAILABLE.code,
    desc: ERRORS.SERVICE_UNAVAILABLE.desc,
    detail:
      component === 'db'
        ? `Database is unavailable: ${(error as Error).message}`
        : `Redis is unavailable: ${(error as Error).message}`,
  };
}

/**
 * GET /healthcheck (spec 4.24, DESIGN.md section 9): 200 {execution_time} while
 * PostgreSQL answers, Redis trouble listed under `degraded`; 502 {errors} when
 * PostgreSQL does not.
 */
export function healthcheck(deps: { pool: Pool; redis?: RedisConnection; details?: () => Promise<object> }) {
  return async (_req: Request, res: Response): Promise<void> => {
    const started = process.hrtime.bigint();
    const [db, redis] = await Promise.allSettled([
      withTimeout(deps.pool.query('SELECT 1'), 'PostgreSQL'),
      deps.redis ? withTimeout(pingRedis(deps.redis), 'Redis') : Promise.resolve('PONG'),
    ]);
    const execution_time = Number(process.hrtime.bigint() - started) / 1e9;
    const redisError = redis.status === 'rejected' ? [failure('redis', redis.reason)] : [];
    if (db.status === 'rejected') {
      res.status(502).json({ errors: [failure('db', db.reason), ...redisError] });
      return;
    }
    const details = deps.details ? await deps.details().catch(() => ({})) : {};
    res.status(200).json({ execution_time, ...(redisError.length ? { degraded: redisError } : {}), ...details });
  };
}
