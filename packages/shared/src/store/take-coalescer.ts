// Coalesces concurrent unfiltered takes into shared statements, as PostgreSQL's group
// commit does for commits: while `maxInFlight` take statements run, new takes wait, and
// the next statement serves every waiting take at once (up to `maxPerStatement` streams).
// Each statement is still one atomic take; its rows, in queue order, are dealt out in
// arrival order, so every agent gets the oldest streams no earlier agent got, exactly
// as if the takes had run one after another. Under one agent nothing waits; under a
// fleet, one commit and one round trip serve several agents. At most `maxWaiting` takes
// wait (DB_POOL_MAX_WAITING, as for the pool's connections); the next is refused at once.

interface Waiting<T> {
  limit: number;
  resolve(rows: T[]): void;
  reject(error: unknown): void;
}

export interface TakeCoalescer<T> {
  take(limit: number): Promise<T[]>;
  /** Statements run so far (for tests and metrics). */
  readonly statements: number;
}

export function createTakeCoalescer<T>(options: {
  /** Takes up to `limit` streams in one statement, in queue order. */
  run(limit: number): Promise<T[]>;
  maxInFlight: number;
  maxPerStatement: number;
  /** Unbounded when left out. */
  maxWaiting?: number;
  /** The error for a take refused because the wait is full. */
  refusal?: () => Promise<unknown>;
}): TakeCoalescer<T> {
  const waiting: Waiting<T>[] = [];
  let inFlight = 0;
  let statements = 0;

  const pump = (): void => {
    while (inFlight < options.maxInFlight && waiting.length > 0) {
      const batch: Waiting<T>[] = [waiting.shift()!];
      let total = batch[0]!.limit;
      while (waiting.length > 0 && total + waiting[0]!.limit <= options.maxPerStatement) {
        const next = waiting.shift()!;
        batch.push(next);
        total += next.limit;
      }
      inFlight += 1;
      statements += 1;
      options
        .run(total)
        .then(
          (rows) => {
            let at = 0;
            for (const w of batch) {
              w.resolve(rows.slice(at, at + w.limit));
              at += w.limit;
            }
          },
          (error: unknown) => {
            for (const w of batch) w.reject(error);
          },
        )
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
  };

  return {
    take(limit: number): Promise<T[]> {
      if (options.maxWaiting !== undefined && waiting.length >= options.maxWaiting && inFlight >= options.maxInFlight) {
        const refusal = options.refusal?.() ?? Promise.resolve(new Error('too many takes wait'));
        return refusal.then((error) => Promise.reject(error));
      }
      return new Promise<T[]>((resolve, reject) => {
        waiting.push({ limit, resolve, reject });
        pump();
      });
    },
    get statements() {
      return statements;
    },
  };
}
