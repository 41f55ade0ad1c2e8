import { setTimeout as sleep } from 'node:timers/promises';
import { sqlState, translateDatabaseError } from './db-errors';

/**
 * deadlock_detected and serialization_failure: PostgreSQL rolled the transaction back
 * whole, so running it again is safe and usually succeeds. The store orders its locks
 * to avoid deadlocks, but multi-row writers whose triggers touch shared rows (the
 * mirror outbox) or a filtered delete racing a feedback batch can still meet.
 */
const TRANSIENT_SQLSTATES = new Set(['40P01', '40001']);
const ATTEMPTS = 4;

export function isTransientConflict(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && TRANSIENT_SQLSTATES.has(state);
}

/** Awaits `first`; while it ends in a transient conflict, waits a moment and runs again. */
async function retryingTransientConflicts<R>(first: Promise<R>, again: () => Promise<R>): Promise<R> {
  let attempt = 1;
  let running = first;
  for (;;) {
    try {
      return await running;
    } catch (error) {
      if (attempt >= ATTEMPTS || !isTransientConflict(error)) throw error;
      // A little jitter so the two sides of a deadlock do not meet again in step.
      await sleep(attempt * 5 + Math.random() * 20);
      attempt += 1;
      running = again();
    }
  }
}

/**
 * Wraps every async method of a repository so that what it throws is already in the
 * Luna error model (a lost database is 503/2); nothing above the store sees Prisma.
 * A method that lost a deadlock is run again (each method is one statement or one
 * transaction, or batches that each commit and resume where the last one ended).
 */
export function translatingErrors<T extends object>(repository: T): T {
  return new Proxy(repository, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = value.apply(target, args);
          if (!(result instanceof Promise)) return result;
          return retryingTransientConflicts(result, () => value.apply(target, args) as Promise<unknown>).catch(
            (error: unknown) => {
              throw translateDatabaseError(error);
            },
          );
        } catch (error) {
          throw translateDatabaseError(error);
        }
      };
    },
  });
}
