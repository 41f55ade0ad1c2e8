import type { NextFunction, Request, Response } from 'express';
import type { BoundedPool } from '../store/bounded-pool';

/**
 * Refuses a request that needs the database before any work is spent on it (its body,
 * its validation) while the pool's wait is already full (DB_POOL_MAX_WAITING): under
 * overload the refusals are most of the requests, and the less each costs, the more of
 * the event loop is left for the requests being served and for /healthcheck. The
 * refusal is the pool's own: 503 code 3 while PostgreSQL answers, code 2 when it does not.
 */
export function shedLoad(pool: BoundedPool) {
  return (_req: Request, _res: Response, next: NextFunction): void => {
    if (!pool.full) return next();
    void pool.refusal('too many requests wait for a connection').then(next);
  };
}
