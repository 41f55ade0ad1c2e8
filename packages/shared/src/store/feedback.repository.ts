import type { FeedbackAnswer, FeedbackItem } from '../contract/feedback';
import type { StoredStatus } from '../contract/primitives';
import type { ScheduledAutorestart } from '../domain/autorestart';
import { feedbackAnswerFor } from '../domain/feedback';
import { FEEDBACK_FROM, FEEDBACK_RESULTS } from '../domain/moves';
import type { Database } from './database';
import {
  failureOutcomeSql,
  literal,
  schedulingOutcomes,
  statusIn,
  statusOnDoneSql,
  statusOnFailureSql,
} from './move-sql';
import { translatingErrors } from './translate';

// Agent feedback (spec 4.12, DESIGN.md section 4): a whole batch in one statement, one
// round trip whatever its size.

const [DONE, FAILURE] = FEEDBACK_RESULTS;

/**
 * - `input` is the batch, sent as one JSON document (cheaper on both sides than five
 *   arrays, for batches of up to 1000 items).
 * - `locked` takes the batch's rows in stream_id order, so concurrent batches that
 *   overlap wait for each other instead of deadlocking (an UPDATE alone would lock in
 *   plan order). After a wait it sees the row as committed. NO KEY UPDATE is the lock
 *   the UPDATE itself takes: it excludes other feedback and every change of the stream,
 *   lets linking (a foreign-key check) through, and costs a third less than FOR UPDATE.
 * - `applied` updates only the rows whose feedback counts (FEEDBACK_FROM in
 *   domain/moves.ts, same version): the feedback clock, video_info, and for done/failure
 *   the status. done resets the autorestart series (autorestartOnDone); failure stores
 *   last_error and applies FAILURE_EFFECTS of autorestartOnFailure (worked out only for
 *   failures): a deadline (failure time + delay) or a series given up on. Stale or
 *   foreign feedback changes nothing.
 * - `logged` writes a log row for each status change (a result; a keep-alive is none),
 *   in the same statement.
 * The answer is each stream's status and version after the statement, or nulls.
 * Every status, condition and decision in it is generated from domain/ (move-sql.ts).
 * A prepared statement through pg: agents send it many times a second.
 */
const FEEDBACK_SQL = `
  WITH input AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($1::jsonb)
      AS i(stream_id uuid, status text, version int, error text, video_info jsonb)
  ), locked AS MATERIALIZED (
    SELECT s.stream_id, s.status, s.version
      FROM streams s
     WHERE s.stream_id IN (SELECT stream_id FROM input)
     ORDER BY s.stream_id
       FOR NO KEY UPDATE
  ), applied AS (
    UPDATE streams s
       SET last_feedback_at = now(),
           video_info = COALESCE(i.video_info, s.video_info),
           status = i.status,
           last_error = CASE WHEN i.status = ${literal(FAILURE.to)} THEN i.error ELSE s.last_error END,
           autorestart_current_attempt = CASE WHEN i.status = ${literal(DONE.to)} THEN 0 ELSE s.autorestart_current_attempt END,
           autorestart_status = CASE
             WHEN i.status = ${literal(DONE.to)} THEN ${statusOnDoneSql('s')}
             WHEN i.status = ${literal(FAILURE.to)} THEN ${statusOnFailureSql(failureOutcomeSql('s'), 's.autorestart_status')}
             ELSE s.autorestart_status END,
           autorestart_next_at = CASE
             WHEN i.status = ${literal(FAILURE.to)} AND ${statusIn(failureOutcomeSql('s'), schedulingOutcomes())}
               THEN now() + make_interval(secs => s.autorestart_delay)
             WHEN ${statusIn('i.status', FEEDBACK_FROM)} THEN s.autorestart_next_at
             ELSE NULL END
      FROM input i, locked l
     WHERE s.stream_id = i.stream_id AND l.stream_id = i.stream_id
       AND ${statusIn('l.status', FEEDBACK_FROM)} AND l.version = i.version
    RETURNING s.stream_id, s.account_id, s.status, s.version, s.video_info, s.last_error, s.autorestart_next_at
  ), logged AS (
    INSERT INTO stream_logs (stream_id, account_id, status, version, video_info, error)
    SELECT a.stream_id, a.account_id, a.status, a.version, a.video_info,
           CASE WHEN a.status = ${literal(FAILURE.to)} THEN a.last_error END
      FROM applied a
     WHERE NOT ${statusIn('a.status', FEEDBACK_FROM)}
  )
  SELECT i.stream_id::text AS stream_id,
         COALESCE(a.status, l.status) AS status,
         COALESCE(a.version, l.version) AS version,
         CASE WHEN a.status = ${literal(FAILURE.to)} THEN a.autorestart_next_at END AS restart_at
    FROM input i
    LEFT JOIN locked l ON l.stream_id = i.stream_id
    LEFT JOIN applied a ON a.stream_id = i.stream_id`;

interface AnswerRow {
  stream_id: string;
  status: StoredStatus | null;
  version: number | null;
  restart_at: Date | null;
}

export interface FeedbackResult {
  answers: Record<string, FeedbackAnswer>;
  /** Failures autorestart will retry, with their deadlines: each needs a timer. */
  autorestarts: ScheduledAutorestart[];
}

export function createFeedbackRepository(db: Database) {
  return translatingErrors({
    /** Applies a validated batch (ids unique) and answers every item, in the batch's order. */
    async apply(items: FeedbackItem[]): Promise<FeedbackResult> {
      if (items.length === 0) return { answers: {}, autorestarts: [] };
      const input = items.map((i) => ({
        stream_id: i.stream_id,
        status: i.status,
        version: i.version,
        error: i.error ?? null,
        video_info: i.video_info ?? null,
      }));
      const { rows } = await db.pool.query<AnswerRow>({
        name: 'luna_feedback',
        text: FEEDBACK_SQL,
        values: [JSON.stringify(input)],
      });
      const after = new Map(rows.map((r) => [r.stream_id, r]));
      const autorestarts = rows.flatMap((r) => (r.restart_at ? [{ stream_id: r.stream_id, at: r.restart_at }] : []));
      const answers: Record<string, FeedbackAnswer> = {};
      for (const item of items) {
        const row = after.get(item.stream_id);
        answers[item.stream_id] = feedbackAnswerFor(
          row && row.status !== null && row.version !== null ? { status: row.status, version: row.version } : undefined,
        );
      }
      return { answers, autorestarts };
    },
  });
}

export type FeedbackRepository = ReturnType<typeof createFeedbackRepository>;
