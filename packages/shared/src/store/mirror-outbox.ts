import type { Pool } from 'pg';
import type { Database } from './database';
import { translatingErrors } from './translate';

// Claims and clears marks of the streams-pending mirror outbox (see its migration).

/** Only one drain runs at a time across every API copy: two would copy out of order. */
const DRAIN_LOCK = 72707371;

export interface MirrorEntry {
  stream_id: string;
  /** null when the stream no longer exists. */
  status: string | null;
  account_id: string | null;
}

/**
 * One pass: reads up to `batchSize` marks with each stream's current status, hands them
 * to `copy` (which makes the mirror match), then deletes the marks whose tick did not
 * move meanwhile. Nothing is locked while `copy` talks to Redis but the drain's own
 * advisory lock, so users' writes never wait on Redis; if `copy` fails the marks stay.
 * The drain never waits on a row lock either (see the DELETE).
 * Returns how many marks were copied (0 when another copy holds the drain).
 */
export async function drainMirrorOutbox(
  pool: Pool,
  copy: (entries: MirrorEntry[]) => Promise<void>,
  batchSize = 500,
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const lock = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
      DRAIN_LOCK,
    ]);
    if (!lock.rows[0]?.locked) {
      await client.query('ROLLBACK');
      return 0;
    }
    const { rows } = await client.query<MirrorEntry & { tick: string }>(
      `SELECT o.stream_id::text, o.tick, s.status, s.account_id::text
         FROM mirror_outbox o LEFT JOIN streams s ON s.stream_id = o.stream_id
        ORDER BY o.marked_at, o.stream_id
        LIMIT $1`,
      [batchSize],
    );
    if (rows.length > 0) {
      await copy(rows.map(({ stream_id, status, account_id }) => ({ stream_id, status, account_id })));
      // SKIP LOCKED: a mark a writer is raising right now (its trigger holds the row)
      // is left for the next pass instead of waited for. Waiting here deadlocked with
      // multi-row writers (a take, a feedback batch), whose triggers mark rows in their
      // own order; a drain that never waits cannot be part of a deadlock.
      await client.query(
        `WITH claimed AS (
           SELECT o.stream_id
             FROM mirror_outbox o
             JOIN unnest($1::uuid[], $2::bigint[]) AS d(stream_id, tick)
               ON o.stream_id = d.stream_id AND o.tick = d.tick
              FOR UPDATE OF o SKIP LOCKED)
         DELETE FROM mirror_outbox o USING claimed c WHERE o.stream_id = c.stream_id`,
        [rows.map((r) => r.stream_id), rows.map((r) => r.tick)],
      );
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export function createMirrorMarksRepository(db: Database) {
  return translatingErrors({
    /** Marks every pending stream (after Redis lost the mirror); the API's drain copies them. */
    async markPendingForMirror(): Promise<number> {
      const result = await db.pool.query(
        `INSERT INTO mirror_outbox (stream_id)
         SELECT stream_id FROM streams WHERE status = 'pending'
         ON CONFLICT (stream_id) DO UPDATE SET tick = mirror_outbox.tick + 1`,
      );
      return result.rowCount ?? 0;
    },
  });
}

export type MirrorMarksRepository = ReturnType<typeof createMirrorMarksRepository>;
