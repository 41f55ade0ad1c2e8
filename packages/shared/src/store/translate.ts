import { translateDatabaseError } from './db-errors';

/**
 * Wraps every async method of a repository so that what it throws is already in the
 * Luna error model (a lost database is 503/2); nothing above the store sees Prisma.
 */
export function translatingErrors<T extends object>(repository: T): T {
  return new Proxy(repository, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise
            ? result.catch((error: unknown) => {
                throw translateDatabaseError(error);
              })
            : result;
        } catch (error) {
          throw translateDatabaseError(error);
        }
      };
    },
  });
}
