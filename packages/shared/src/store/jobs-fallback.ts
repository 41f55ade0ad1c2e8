import pg, { type Pool } from 'pg';

/** Held by the worker copy whose fallback tick is running (keys 72707369-72707371 are taken). */
const JOBS_FALLBACK_LOCK = 72707372;

/**
 * What the worker's PostgreSQL fallback needs while BullMQ cannot run the jobs
 * (docs/dev/background-jobs.md).
 */
export function createJobsFallbackRepository(pool: Pool, databaseUrl: string) {
  // The lock has a connection of its own: `work` runs on the shared pool, so holding one of
  // its connections for the lock could leave `work` none (DB_POOL_SIZE 1). It is opened
  // while the fallback ticks and closed after 10 s without one.
  const lockPool = new pg.Pool({
    connectionString: databaseUrl,
    max: 1,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 2000,
  });
  // A lock connection that breaks fails its tick and is opened again at the next one.
  lockPool.on('error', () => undefined);
  lockPool.on('connect', (client) => client.on('error', () => undefined));
  return {
    /**
     * Runs `work` while this copy holds the fallback lock, or returns false at once when
     * another copy holds it, so copies take turns instead of running side by side. A
     * transaction-level lock: it ends with the transaction, so a copy that dies or loses
     * its connection frees it.
     * Nothing is written on the lock's connection; `work` runs on the shared pool.
     */
    async underLock(work: () => Promise<void>): Promise<boolean> {
      const client = await lockPool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
          JOBS_FALLBACK_LOCK,
        ]);
        if (!rows[0]?.locked) return false;
        await work();
        return true;
      } finally {
        await client.query('ROLLBACK').catch((error: Error) => {
          broken = error;
        });
        // A client whose ROLLBACK failed is dropped, not reused with a lock it may still hold.
        client.release(broken);
      }
    },

    /** Milliseconds until the next autorestart deadline, by the database's clock; null when none is set. */
    async msUntilNextAutorestart(): Promise<number | null> {
      // The partial index streams_autorestart_due_idx answers this from its first entry.
      const { rows } = await pool.query<{ ms: number | null }>(
        `SELECT (EXTRACT(EPOCH FROM min(autorestart_next_at) - now()) * 1000)::float8 AS ms
           FROM streams WHERE status = 'failure' AND autorestart_next_at IS NOT NULL`,
      );
      return rows[0]?.ms ?? null;
    },

    async close(): Promise<void> {
      await lockPool.end();
    },

    /** Whether `job` last started more than `seconds` ago (or never): read by every copy alike. */
    async jobDue(job: string, seconds: number): Promise<boolean> {
      const { rows } = await pool.query<{ due: boolean }>(
        `SELECT NOT EXISTS (
           SELECT 1 FROM job_runs WHERE job = $1 AND last_started_at > now() - make_interval(secs => $2)
         ) AS due`,
        [job, seconds],
      );
      return rows[0]!.due;
    },
  };
}

export type JobsFallbackRepository = ReturnType<typeof createJobsFallbackRepository>;
