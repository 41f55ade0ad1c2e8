import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { ERRORS } from '../contract/errors';
import type { HealthComponentError } from '../contract/service';
import type { RedisWatch } from '../queues/redis-watch';

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

function failure(error: unknown): HealthComponentError {
  return degradedComponent('db', `Database is unavailable: ${(error as Error).message}`);
}

export function degradedComponent(component: HealthComponentError['component'], detail: string): HealthComponentError {
  return { component, error_code: ERRORS.SERVICE_UNAVAILABLE.code, desc: ERRORS.SERVICE_UNAVAILABLE.desc, detail };
}

/** Redis listed under `degraded` while the watch says it is down. */
export function redisDegraded(watch: RedisWatch): HealthComponentError[] {
  const { up, since, reason } = watch.state();
  if (up) return [];
  const seconds = ((Date.now() - since.getTime()) / 1000).toFixed(1);
  return [degradedComponent('redis', `Redis is unavailable (for ${seconds} s): ${reason}`)];
}

/**
 * GET /healthcheck (spec 4.24, DESIGN.md section 9): 200 {execution_time} while
 * PostgreSQL answers, with whatever else is in trouble (Redis, the jobs, the mirror)
 * listed under `degraded`; 502 {errors} when PostgreSQL does not. `degraded` reads state
 * kept current in the background, so an answer never waits on Redis.
 */
export function healthcheck(deps: {
  pool: Pool;
  degraded?: () => HealthComponentError[];
  details?: () => Promise<object>;
}) {
  return async (_req: Request, res: Response): Promise<void> => {
    const started = process.hrtime.bigint();
    const db = await withTimeout(deps.pool.query('SELECT 1'), 'PostgreSQL').then(
      () => null,
      (error: unknown) => error,
    );
    const degraded = deps.degraded?.() ?? [];
    if (db !== null) {
      res.status(502).json({ errors: [failure(db), ...degraded] });
      return;
    }
    const details = deps.details ? await deps.details().catch(() => ({})) : {};
    const execution_time = Number(process.hrtime.bigint() - started) / 1e9;
    res.status(200).json({ execution_time, ...(degraded.length ? { degraded } : {}), ...details });
  };
}
