import { HANDLER_LOST } from '../domain/moves';
import type { Database } from './database';
import { chainRows, literal, statusIn, versionSet } from './move-sql';
import { translatingErrors } from './translate';

// The handler_lost sweep (spec 6.5, DESIGN.md section 5): a conditional update, so a sweep
// that runs twice, or on two worker copies at once, changes nothing the second time.

/**
 * One bounded batch: in-progress streams whose agent has been silent longer than the
 * period go back to the queue through HANDLER_LOST (domain/moves.ts): version + 1, so the
 * silent agent's next feedback is answered with the new version and it stops, logged as
 * handler_lost (old version), restart, pending (new version). SKIP LOCKED lets feedback
 * and other sweeps proceed; the status guard in `moved` re-checks each row after any
 * wait. `seq > $after` walks the in-progress rows once per sweep instead of rescanning
 * the rows earlier batches already moved.
 * $1 period (seconds), $2 batch size, $3 after (the last seq of the previous batch).
 */
const SWEEP_SQL = `
  WITH lost AS MATERIALIZED (
    SELECT stream_id FROM streams
     WHERE ${statusIn('status', HANDLER_LOST.from)} AND seq > $3
       AND last_feedback_at < now() - make_interval(secs => $1)
     ORDER BY seq
     LIMIT $2
       FOR UPDATE SKIP LOCKED
  ), moved AS (
    UPDATE streams s
       SET status = ${literal(HANDLER_LOST.to)}, ${versionSet(HANDLER_LOST, 's.version')}
           queued_at = now(), last_feedback_at = NULL
      FROM lost
     WHERE s.stream_id = lost.stream_id AND ${statusIn('s.status', HANDLER_LOST.from)}
    RETURNING s.stream_id, s.account_id, s.version, s.video_info, s.seq
  ), logged AS (
    INSERT INTO stream_logs (stream_id, account_id, status, version, video_info)
    SELECT m.stream_id, m.account_id, t.status, m.version + t.version_offset, m.video_info
      FROM moved m, ${chainRows(HANDLER_LOST)}
     ORDER BY m.seq, t.n
  )
  SELECT count(*)::int AS moved, max(seq)::text AS last_seq FROM moved`;

export function createHandlerLostRepository(db: Database) {
  return translatingErrors({
    /**
     * Sweeps every lost handler, batch by batch (each batch commits on its own), in
     * `lanes` concurrent loops: a batch is PostgreSQL-bound (each moved stream rewrites
     * its row, its index entries and three log rows), so two lanes keep two cores busy.
     * A lane skips the rows another lane holds (SKIP LOCKED), so lanes leapfrog over
     * each other and no stream is moved twice.
     */
    async sweepLostHandlers(periodSeconds: number, batchSize: number, lanes = 2): Promise<number> {
      const lane = async (): Promise<number> => {
        let total = 0;
        let after = '0';
        for (;;) {
          const { rows } = await db.pool.query<{ moved: number; last_seq: string | null }>({
            name: 'luna_sweep',
            text: SWEEP_SQL,
            values: [periodSeconds, batchSize, after],
          });
          const batch = rows[0]!;
          total += batch.moved;
          if (batch.moved < batchSize || batch.last_seq === null) return total;
          after = batch.last_seq;
        }
      };
      const totals = await Promise.all(Array.from({ length: lanes }, lane));
      return totals.reduce((a, b) => a + b, 0);
    },
  });
}

export type HandlerLostRepository = ReturnType<typeof createHandlerLostRepository>;
