import type pg from 'pg';

// Waiting for a positive signal instead of sleeping: tests run on a busy machine, so a
// fixed pause is either too short there or wasted everywhere else.

type Queryable = Pick<pg.Pool | pg.Client, 'query'>;

/** Polls `check` until it returns true; fails naming `what` once `timeoutMs` have passed. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
  what = 'condition',
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Polls `read` until it returns a value other than undefined, and returns it. */
export async function until<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'value'): Promise<T> {
  let value: T | undefined;
  await eventually(async () => (value = await read()) !== undefined, timeoutMs, what);
  return value!;
}

/** The database's clock, `seconds` from now: job runs and log rows carry its time, not this process's. */
export async function databaseTime(db: Queryable, seconds = 0): Promise<Date> {
  const { rows } = await db.query<{ at: Date }>('SELECT now() + make_interval(secs => $1) AS at', [seconds]);
  return rows[0]!.at;
}

/**
 * Waits until a scheduled background job has a recorded run (job_runs) that started
 * after `after` (database time) and finished without error; returns its result. Whatever
 * the job would have done by `after` is done once this resolves.
 */
export async function jobRunAfter(db: Queryable, job: string, after: Date, timeoutMs = 15_000): Promise<unknown> {
  return until(
    async () => {
      const { rows } = await db.query<{ last_result: unknown; last_error: string | null }>(
        `SELECT last_result, last_error FROM job_runs
          WHERE job = $1 AND last_started_at > $2 AND last_finished_at >= last_started_at`,
        [job, after],
      );
      // A run that failed (a fault test's outage) does not count: the next one will.
      return rows[0] && rows[0].last_error === null ? (rows[0].last_result ?? null) : undefined;
    },
    timeoutMs,
    `a ${job} run started after ${after.toISOString()}`,
  );
}
