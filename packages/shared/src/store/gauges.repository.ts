import type { Database } from './database';
import { translatingErrors } from './translate';

// What the worker's database-wide gauges read (DESIGN.md section 9).

export function createGaugesRepository(db: Database) {
  return translatingErrors({
    /** Streams by status and the age of the queue's head. */
    async statusSnapshot(): Promise<{ byStatus: Record<string, number>; oldestPendingSeconds: number }> {
      const { rows } = await db.pool.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM streams GROUP BY status',
      );
      const head = await db.pool.query<{ age: number | null }>(
        `SELECT EXTRACT(EPOCH FROM now() - min(queued_at))::float8 AS age FROM streams WHERE status = 'pending'`,
      );
      return {
        byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])),
        oldestPendingSeconds: head.rows[0]?.age ?? 0,
      };
    },
  });
}

export type GaugesRepository = ReturnType<typeof createGaugesRepository>;
