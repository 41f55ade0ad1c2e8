import { RESTARTED_STATUS } from '../domain/autorestart';
import { AUTORESTART } from '../domain/moves';
import type { Database } from './database';
import { chainRows, initialStatusSql, literal, statusIn, versionSet } from './move-sql';
import { translatingErrors } from './translate';

// Autorestart (spec 6.4, DESIGN.md section 5): the delayed job, reconcile's safety net for
// timers Redis lost, and the reset of long-running series. Conditional updates: a timer
// that fires twice, late, or after a PATCH, a PUT or the safety net changes nothing.

/**
 * Restarts the failures that `due` selects through AUTORESTART (domain/moves.ts):
 * failure → restart → pending, version + 1 (the failed run's version is never handed out
 * again, DESIGN.md section 4), current_attempt + 1. The status guard re-checks each row.
 */
const restartSql = (due: string) => `
  WITH due AS MATERIALIZED (${due}
  ), restarted AS (
    UPDATE streams s
       SET status = ${literal(AUTORESTART.to)}, ${versionSet(AUTORESTART, 's.version')}
           queued_at = now(), autorestart_next_at = NULL,
           autorestart_current_attempt = s.autorestart_current_attempt + 1,
           autorestart_last_attempt_time = now(), autorestart_status = ${literal(RESTARTED_STATUS)}
      FROM due
     WHERE s.stream_id = due.stream_id AND ${statusIn('s.status', AUTORESTART.from)}
    RETURNING s.stream_id, s.account_id, s.version, s.video_info, s.seq
  ), logged AS (
    INSERT INTO stream_logs (stream_id, account_id, status, version, video_info)
    SELECT r.stream_id, r.account_id, t.status, r.version + t.version_offset, r.video_info
      FROM restarted r, ${chainRows(AUTORESTART)}
     ORDER BY r.seq, t.n
  )
  SELECT count(*)::int AS restarted FROM restarted`;

/** The delayed job's stream: $1 stream id, $2 the deadline its timer was set for. */
const RESTART_ONE_SQL = restartSql(`
    SELECT stream_id FROM streams
     WHERE stream_id = $1::uuid AND ${statusIn('status', AUTORESTART.from)} AND autorestart_next_at = $2::timestamptz
       FOR UPDATE SKIP LOCKED`);

/** The safety net's batch: $1 grace (seconds past the deadline), $2 batch size. */
const RESTART_OVERDUE_SQL = restartSql(`
    SELECT stream_id FROM streams
     WHERE ${statusIn('status', AUTORESTART.from)} AND autorestart_next_at IS NOT NULL
       AND autorestart_next_at <= now() - make_interval(secs => $1)
     ORDER BY autorestart_next_at
     LIMIT $2
       FOR UPDATE SKIP LOCKED`);

export function createAutorestartRepository(db: Database) {
  return translatingErrors({
    /** The delayed job: restarts the stream only while it is still that failure with that deadline. */
    async restartOne(streamId: string, deadline: Date): Promise<boolean> {
      const { rows } = await db.pool.query<{ restarted: number }>({
        name: 'luna_autorestart_one',
        text: RESTART_ONE_SQL,
        values: [streamId, deadline],
      });
      return rows[0]!.restarted === 1;
    },

    /** The safety net: restarts failures overdue by `graceSeconds` (their timer was lost). */
    async restartOverdue(graceSeconds: number, batchSize: number): Promise<number> {
      let total = 0;
      for (;;) {
        const { rows } = await db.pool.query<{ restarted: number }>({
          name: 'luna_autorestart_overdue',
          text: RESTART_OVERDUE_SQL,
          values: [graceSeconds, batchSize],
        });
        total += rows[0]!.restarted;
        if (rows[0]!.restarted < batchSize) return total;
      }
    },

    /**
     * A stream that has run in progress for `resetAfterSeconds` since its last restart
     * gets a fresh series, so a camera that fails once a week is never given up on.
     */
    async resetLongRunningSeries(resetAfterSeconds: number): Promise<number> {
      const result = await db.pool.query(
        `UPDATE streams
            SET autorestart_current_attempt = 0, autorestart_status = ${initialStatusSql('autorestart_restart')}
          WHERE status = 'in_progress' AND autorestart_current_attempt > 0
            AND autorestart_last_attempt_time < now() - make_interval(secs => $1)`,
        [resetAfterSeconds],
      );
      return result.rowCount ?? 0;
    },
  });
}

export type AutorestartRepository = ReturnType<typeof createAutorestartRepository>;
