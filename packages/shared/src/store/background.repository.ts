import type { Database } from './database';
import { translatingErrors } from './translate';

// The worker's jobs (DESIGN.md section 5). Every statement is a conditional update: a job
// that runs twice, or on two worker copies at once, changes nothing the second time.

/**
 * One bounded batch of the handler_lost sweep: in-progress streams whose agent has been
 * silent longer than the period go back to the queue, version + 1 (the silent agent's
 * next feedback is answered with the new version and it stops), logged as
 * handler_lost (old version), restart, pending (new version). SKIP LOCKED lets feedback
 * and other sweeps proceed; the status guard in `moved` re-checks each row after any
 * wait. `seq > $3` walks the in-progress rows once per sweep instead of rescanning
 * the rows earlier batches already moved.
 */
const SWEEP_SQL = `
  WITH lost AS MATERIALIZED (
    SELECT stream_id FROM streams
     WHERE status = 'in_progress' AND seq > $3
       AND last_feedback_at < now() - make_interval(secs => $1)
     ORDER BY seq
     LIMIT $2
       FOR UPDATE SKIP LOCKED
  ), moved AS (
    UPDATE streams s
       SET status = 'pending', version = s.version + 1, queued_at = now(), last_feedback_at = NULL
      FROM lost
     WHERE s.stream_id = lost.stream_id AND s.status = 'in_progress'
    RETURNING s.stream_id, s.account_id, s.version, s.video_info, s.seq
  ), logged AS (
    INSERT INTO stream_logs (stream_id, account_id, status, version, video_info)
    SELECT m.stream_id, m.account_id, t.status, CASE WHEN t.n = 1 THEN m.version - 1 ELSE m.version END, m.video_info
      FROM moved m, unnest(ARRAY['handler_lost', 'restart', 'pending']) WITH ORDINALITY AS t(status, n)
     ORDER BY m.seq, t.n
  )
  SELECT count(*)::int AS moved, max(seq)::text AS last_seq FROM moved`;

/**
 * Restarts failed streams whose autorestart deadline passed: failure → restart → pending,
 * current_attempt + 1. The version stays (spec 6.3). `$1` names one stream and its exact
 * deadline (the delayed job), or is null for every stream overdue by `$3` seconds (the
 * reconcile safety net, for timers Redis lost).
 */
const AUTORESTART_SQL = `
  WITH due AS MATERIALIZED (
    SELECT stream_id FROM streams
     WHERE status = 'failure' AND autorestart_next_at IS NOT NULL
       AND (CASE WHEN $1::uuid IS NULL THEN autorestart_next_at <= now() - make_interval(secs => $3)
                 ELSE stream_id = $1::uuid AND autorestart_next_at = $2::timestamptz END)
     ORDER BY autorestart_next_at
     LIMIT $4
       FOR UPDATE SKIP LOCKED
  ), restarted AS (
    UPDATE streams s
       SET status = 'pending', queued_at = now(), autorestart_next_at = NULL,
           autorestart_current_attempt = s.autorestart_current_attempt + 1,
           autorestart_last_attempt_time = now(), autorestart_status = 'in_progress'
      FROM due
     WHERE s.stream_id = due.stream_id AND s.status = 'failure'
    RETURNING s.stream_id, s.account_id, s.version, s.video_info, s.seq
  ), logged AS (
    INSERT INTO stream_logs (stream_id, account_id, status, version, video_info)
    SELECT r.stream_id, r.account_id, t.status, r.version, r.video_info
      FROM restarted r, unnest(ARRAY['restart', 'pending']) WITH ORDINALITY AS t(status, n)
     ORDER BY r.seq, t.n
  )
  SELECT count(*)::int AS restarted FROM restarted`;

export function createBackgroundRepository(db: Database) {
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

    /** The delayed job: restarts the stream only while it is still that failure with that deadline. */
    async restartOne(streamId: string, deadline: Date): Promise<boolean> {
      const { rows } = await db.pool.query<{ restarted: number }>({
        name: 'luna_autorestart',
        text: AUTORESTART_SQL,
        values: [streamId, deadline, 0, 1],
      });
      return rows[0]!.restarted === 1;
    },

    /** The safety net: restarts failures overdue by `graceSeconds` (their timer was lost). */
    async restartOverdue(graceSeconds: number, batchSize: number): Promise<number> {
      let total = 0;
      for (;;) {
        const { rows } = await db.pool.query<{ restarted: number }>({
          name: 'luna_autorestart',
          text: AUTORESTART_SQL,
          values: [null, null, graceSeconds, batchSize],
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
            SET autorestart_current_attempt = 0,
                autorestart_status = CASE WHEN autorestart_restart = 1 THEN 'enabled' ELSE 'disabled' END
          WHERE status = 'in_progress' AND autorestart_current_attempt > 0
            AND autorestart_last_attempt_time < now() - make_interval(secs => $1)`,
        [resetAfterSeconds],
      );
      return result.rowCount ?? 0;
    },

    /** Marks every pending stream for the mirror (after Redis lost it); the API's drain copies them. */
    async markPendingForMirror(): Promise<number> {
      const result = await db.pool.query(
        `INSERT INTO mirror_outbox (stream_id)
         SELECT stream_id FROM streams WHERE status = 'pending'
         ON CONFLICT (stream_id) DO UPDATE SET tick = mirror_outbox.tick + 1`,
      );
      return result.rowCount ?? 0;
    },

    /** Deletes log rows older than `days`, in batches so no statement runs long. */
    async deleteLogsOlderThan(days: number, batchSize = 10_000): Promise<number> {
      let total = 0;
      for (;;) {
        const result = await db.pool.query(
          `DELETE FROM stream_logs WHERE seq IN (
             SELECT seq FROM stream_logs WHERE log_time < now() - make_interval(days => $1) LIMIT $2)`,
          [days, batchSize],
        );
        total += result.rowCount ?? 0;
        if ((result.rowCount ?? 0) < batchSize) return total;
      }
    },

    async recordStart(job: string): Promise<void> {
      await db.pool.query(
        `INSERT INTO job_runs (job, last_started_at) VALUES ($1, now())
         ON CONFLICT (job) DO UPDATE SET last_started_at = now()`,
        [job],
      );
    },

    async recordFinish(job: string, result: object | null, error: string | null): Promise<void> {
      await db.pool.query(
        `UPDATE job_runs SET last_finished_at = now(), last_result = $2::jsonb, last_error = $3 WHERE job = $1`,
        [job, result === null ? null : JSON.stringify(result), error],
      );
    },

    /** Streams by status and the age of the queue's head, for the gauges. */
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

    async jobRuns(): Promise<
      { job: string; last_started_at: Date; last_finished_at: Date | null; last_error: string | null }[]
    > {
      // For the worker's /healthcheck: on the health connection, never behind busy feedback.
      const { rows } = await db.healthPool.query(
        'SELECT job, last_started_at, last_finished_at, last_error FROM job_runs ORDER BY job',
      );
      return rows;
    },
  });
}

export type BackgroundRepository = ReturnType<typeof createBackgroundRepository>;
