import { QUEUE_BATCH_MAX, type PeekQueueQuery, type QueueFilters } from '../contract/queue';
import type { StreamObject } from '../contract/streams';
import { TAKE } from '../domain/moves';
import type { Database } from './database';
import { toStreamObject, type StreamRow } from './stream-mapper';
import { chainRows, literal, statusIn, versionSet } from './move-sql';
import { STREAM_COLUMNS } from './stream-sql';
import { createTakeCoalescer } from './take-coalescer';
import { translatingErrors } from './translate';

// The processing queue (DESIGN.md section 3): the pending streams in (queued_at, seq) order.

/** Any fixed key: every capped take serialises on it, uncapped takes never touch it. */
const TAKE_CAP_LOCK = 72707370;

/**
 * The take is one statement (the move TAKE of domain/moves.ts): the first matching
 * pending rows are picked with FOR UPDATE SKIP LOCKED (a row another take is picking is skipped, not waited for,
 * so two agents never get the same stream), set in progress with the feedback clock
 * started and last_error cleared, logged, and returned with their groups.
 * MATERIALIZED keeps the pick from being re-planned as a rescanned semi-join.
 * $1 how many, $2 stream ids or null, $3 names or null.
 * It runs through pg as a prepared statement: agents call it many times a second, and
 * Prisma's raw-query layer would add about as much time as the statement itself.
 */
const TAKE_SQL = `
  WITH picked AS MATERIALIZED (
    SELECT stream_id FROM streams
     WHERE ${statusIn('status', TAKE.from)}
       AND ($2::uuid[] IS NULL OR stream_id = ANY($2::uuid[]))
       AND ($3::text[] IS NULL OR name = ANY($3::text[]))
     ORDER BY queued_at, seq
     LIMIT $1
       FOR UPDATE SKIP LOCKED
  ), taken AS (
    UPDATE streams s
       SET ${versionSet(TAKE, 's.version')} status = ${literal(TAKE.to)}, last_feedback_at = now(), last_error = NULL
      FROM picked
     WHERE s.stream_id = picked.stream_id
    RETURNING s.*
  ), log AS (
    INSERT INTO stream_logs (stream_id, account_id, status, version, video_info)
    SELECT k.stream_id, k.account_id, t.status, k.version + t.version_offset, k.video_info
      FROM taken k, ${chainRows(TAKE)}
  )
  SELECT ${STREAM_COLUMNS}
    FROM taken s
   ORDER BY s.queued_at, s.seq`;

/**
 * The head of the queue (what a take would pick), changing nothing.
 * $1 how many, $2 stream ids or null, $3 names or null.
 */
const PEEK_SQL = `
  SELECT ${STREAM_COLUMNS}
    FROM streams s
   WHERE ${statusIn('s.status', TAKE.from)}
     AND ($2::uuid[] IS NULL OR s.stream_id = ANY($2::uuid[]))
     AND ($3::text[] IS NULL OR s.name = ANY($3::text[]))
   ORDER BY s.queued_at, s.seq
   LIMIT $1`;

/** How many more streams may be in progress under the cap (counted after the lock). */
const ROOM_UNDER_CAP_SQL = `SELECT GREATEST(0, $1::int - count(*)::int) AS room FROM streams WHERE ${statusIn('status', [TAKE.to])}`;

type TakenRow = StreamRow & { groups: string[] };

export function createQueueRepository(db: Database, options: { maxInProgress?: number } = {}) {
  const takeArgs = (filters: QueueFilters | PeekQueueQuery, limit: number) => [
    limit,
    filters.stream_ids?.length ? filters.stream_ids : null,
    filters.names?.length ? filters.names : null,
  ];

  const runTake = async (values: unknown[]): Promise<TakenRow[]> =>
    (await db.pool.query<TakenRow>({ name: 'luna_take', text: TAKE_SQL, values })).rows;
  // Unfiltered takes from many agents share statements (take-coalescer.ts). Half the
  // pool at most runs takes, so reads and feedback always find a connection.
  const coalescer = createTakeCoalescer<TakenRow>({
    run: (limit) => runTake(takeArgs({}, limit)),
    maxInFlight: Math.max(1, Math.floor((db.pool.options.max ?? 10) / 2)),
    maxPerStatement: QUEUE_BATCH_MAX,
    maxWaiting: db.pool.maxWaiting,
    refusal: () => db.pool.refusal('too many takes wait for a statement'),
  });

  return translatingErrors({
    /** GET /1/streams/processing/queue: the head of the queue, changing nothing. */
    async peek(query: PeekQueueQuery): Promise<StreamObject[]> {
      const { rows } = await db.pool.query<TakenRow>({
        name: 'luna_peek',
        text: PEEK_SQL,
        values: takeArgs(query, Math.min(query.limit, QUEUE_BATCH_MAX)),
      });
      return rows.map((row) => toStreamObject(row, row.groups));
    },

    /** POST /1/streams/processing/queue: hands the first matching pending streams to one agent. */
    async take(filters: QueueFilters, limit: number): Promise<StreamObject[]> {
      const wanted = Math.min(limit, QUEUE_BATCH_MAX);
      let rows: TakenRow[];
      const unfiltered = !filters.stream_ids?.length && !filters.names?.length;
      if (options.maxInProgress === undefined && unfiltered) {
        rows = await coalescer.take(wanted);
      } else if (options.maxInProgress === undefined) {
        rows = await runTake(takeArgs(filters, wanted));
      } else {
        // A cap cannot hold inside one READ COMMITTED statement when takes race: each would
        // count the in-progress rows before the others commit. Capped takes queue on an
        // advisory lock instead, and each counts after the previous one committed.
        const client = await db.pool.connect();
        try {
          await client.query('BEGIN');
          await client.query('SELECT pg_advisory_xact_lock($1)', [TAKE_CAP_LOCK]);
          const room = (await client.query<{ room: number }>(ROOM_UNDER_CAP_SQL, [options.maxInProgress])).rows[0]!
            .room;
          rows =
            room > 0
              ? (
                  await client.query<TakenRow>({
                    name: 'luna_take',
                    text: TAKE_SQL,
                    values: takeArgs(filters, Math.min(wanted, room)),
                  })
                ).rows
              : [];
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      }
      return rows.map((row) => toStreamObject(row, row.groups));
    },

    /** How many take statements have run (coalesced takes share one). */
    takeStatements(): number {
      return coalescer.statements;
    },
  });
}

export type QueueRepository = ReturnType<typeof createQueueRepository>;
