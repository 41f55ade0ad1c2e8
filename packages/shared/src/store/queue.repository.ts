import { QUEUE_BATCH_MAX, type PeekQueueQuery, type QueueFilters } from '../contract/queue';
import type { StreamObject } from '../contract/streams';
import { Prisma, type PrismaClient } from './generated/client';
import { toStreamObject, type StreamRow } from './stream-mapper';
import { streamWithGroups, toObject } from './streams.repository';
import { translatingErrors } from './translate';

// The processing queue (DESIGN.md section 3): the pending streams in (queued_at, seq) order.

/** Any fixed key: every capped take serialises on it, uncapped takes never touch it. */
const TAKE_CAP_LOCK = 72707370;

function filterSql(filters: QueueFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filters.stream_ids?.length) parts.push(Prisma.sql`AND stream_id = ANY(${filters.stream_ids}::uuid[])`);
  if (filters.names?.length) parts.push(Prisma.sql`AND name = ANY(${filters.names}::text[])`);
  return parts.length ? Prisma.join(parts, ' ') : Prisma.empty;
}

type TakenRow = StreamRow & { groups: string[] };

export function createQueueRepository(prisma: PrismaClient, options: { maxInProgress?: number } = {}) {
  /**
   * The take is one statement: the first matching pending rows are picked with
   * FOR UPDATE SKIP LOCKED (a row another take is picking is skipped, not waited for,
   * so two agents never get the same stream), set in progress with the feedback clock
   * started and last_error cleared, logged, and returned with their groups.
   * MATERIALIZED keeps the pick from being re-planned as a rescanned semi-join.
   */
  const takeStatement = (limit: Prisma.Sql, filters: QueueFilters) => prisma.$queryRaw<TakenRow[]>`
    WITH picked AS MATERIALIZED (
      SELECT stream_id FROM streams
       WHERE status = 'pending' ${filterSql(filters)}
       ORDER BY queued_at, seq
       LIMIT ${limit}
         FOR UPDATE SKIP LOCKED
    ), taken AS (
      UPDATE streams s
         SET status = 'in_progress', last_feedback_at = now(), last_error = NULL
        FROM picked
       WHERE s.stream_id = picked.stream_id
      RETURNING s.*
    ), log AS (
      INSERT INTO stream_logs (stream_id, account_id, status, version, video_info)
      SELECT stream_id, account_id, 'in_progress', version, video_info FROM taken
    )
    SELECT taken.stream_id::text, taken.account_id::text, taken.name, taken.description, taken.data,
           taken.event_handler, taken.policies, taken.location, taken.autorestart_restart::int,
           taken.autorestart_attempt_count, taken.autorestart_delay, taken.autorestart_current_attempt,
           taken.autorestart_last_attempt_time, taken.autorestart_status, taken.version, taken.create_time,
           taken.status, taken.last_error, taken.video_info,
           ARRAY(SELECT g.group_name::text FROM stream_groups sg JOIN groups g ON g.group_id = sg.group_id
                  WHERE sg.stream_id = taken.stream_id ORDER BY g.seq) AS groups
      FROM taken
     ORDER BY taken.queued_at, taken.seq`;

  return translatingErrors({
    /** GET /1/streams/processing/queue: the head of the queue, changing nothing. */
    async peek(query: PeekQueueQuery): Promise<StreamObject[]> {
      const rows = await prisma.stream.findMany({
        where: {
          status: 'pending',
          stream_id: query.stream_ids && { in: query.stream_ids },
          name: query.names && { in: query.names },
        },
        include: streamWithGroups,
        orderBy: [{ queued_at: 'asc' }, { seq: 'asc' }],
        take: Math.min(query.limit, QUEUE_BATCH_MAX),
      });
      return rows.map(toObject);
    },

    /** POST /1/streams/processing/queue: hands the first matching pending streams to one agent. */
    async take(filters: QueueFilters, limit: number): Promise<StreamObject[]> {
      const wanted = Math.min(limit, QUEUE_BATCH_MAX);
      let rows: TakenRow[];
      if (options.maxInProgress === undefined) {
        rows = await takeStatement(Prisma.sql`${wanted}::int`, filters);
      } else {
        // A cap cannot hold inside one READ COMMITTED statement when takes race: each would
        // count the in-progress rows before the others commit. Capped takes queue on an
        // advisory lock instead, and each counts after the previous one committed.
        const room = Prisma.sql`GREATEST(0, LEAST(${wanted}::int,
          ${options.maxInProgress}::int - (SELECT count(*) FROM streams WHERE status = 'in_progress')::int))`;
        [, rows] = await prisma.$transaction([
          prisma.$executeRaw`SELECT pg_advisory_xact_lock(${TAKE_CAP_LOCK}::bigint)`,
          takeStatement(room, filters),
        ]);
      }
      return rows.map((row) => toStreamObject(row, row.groups));
    },
  });
}

export type QueueRepository = ReturnType<typeof createQueueRepository>;
