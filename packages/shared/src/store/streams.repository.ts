import { errors } from '../contract/errors';
import type { StreamFilters, StreamInput, StreamObject } from '../contract/streams';
import { initialAutorestartStatus } from '../domain/autorestart';
import { sqlState } from './db-errors';
import type { Database } from './database';
import type { Prisma } from './generated/client';
import { toStreamObject, type StreamRow } from './stream-mapper';
import { translatingErrors } from './translate';

export interface Page {
  page: number;
  page_size: number;
}

export const streamWithGroups = {
  groups: { select: { group: { select: { group_name: true, seq: true } } } },
} satisfies Prisma.StreamInclude;

type LoadedStream = Prisma.StreamGetPayload<{ include: typeof streamWithGroups }>;

export function toObject(row: LoadedStream): StreamObject {
  const groups = row.groups
    .map((link) => link.group)
    .sort((a, b) => (a.seq < b.seq ? -1 : 1))
    .map((g) => g.group_name);
  return toStreamObject(row as unknown as StreamRow, groups);
}

/** Filters of spec 4.3: AND between filters, OR inside a list. */
export function whereOf(filters: StreamFilters): Prisma.StreamWhereInput {
  return {
    account_id: filters.account_id,
    stream_id: filters.stream_ids && { in: filters.stream_ids },
    name: filters.names && { in: filters.names },
    reference: filters.reference,
    status: filters.statuses && { in: filters.statuses },
    create_time:
      filters.create_time__gte || filters.create_time__lt
        ? { gte: filters.create_time__gte, lt: filters.create_time__lt }
        : undefined,
    groups: filters.group_name
      ? { some: { group: { group_name: filters.group_name, account_id: filters.account_id } } }
      : undefined,
  };
}

const GET_STREAM_SQL = `
  SELECT s.stream_id::text, s.account_id::text, s.name, s.description, s.data, s.event_handler, s.policies,
         s.location, s.autorestart_restart::int, s.autorestart_attempt_count, s.autorestart_delay,
         s.autorestart_current_attempt, s.autorestart_last_attempt_time, s.autorestart_status, s.version,
         s.create_time, s.status, s.last_error, s.video_info,
         ARRAY(SELECT g.group_name::text FROM stream_groups sg JOIN groups g ON g.group_id = sg.group_id
                WHERE sg.stream_id = s.stream_id ORDER BY g.seq) AS groups
    FROM streams s
   WHERE s.stream_id = $1 AND ($2::uuid IS NULL OR s.account_id = $2::uuid)`;

export function createStreamsRepository(db: Database) {
  const { prisma, pool } = db;
  return translatingErrors({
    /**
     * Creates a stream, its first log row and its group link in one statement, so no
     * reader ever sees a stream without its creation log. An unknown group creates nothing.
     */
    async create(input: StreamInput): Promise<{ stream_id: string; version: number }> {
      const group = input.group_name ?? null;
      let rows: { stream_id: string; version: number }[];
      try {
        rows = await prisma.$queryRaw<{ stream_id: string; version: number }[]>`
          WITH g AS (
            SELECT group_id FROM groups WHERE account_id = ${input.account_id}::uuid AND group_name = ${group}
          ), s AS (
            INSERT INTO streams (account_id, name, description, reference, data, event_handler, policies, location,
                                 autorestart_restart, autorestart_attempt_count, autorestart_delay, autorestart_status, status)
            SELECT ${input.account_id}::uuid, ${input.name}, ${input.description}, ${input.data.reference},
                   ${JSON.stringify(input.data)}::jsonb, ${JSON.stringify(input.event_handler)}::jsonb,
                   ${JSON.stringify(input.policies)}::jsonb, ${JSON.stringify(input.location)}::jsonb,
                   ${input.autorestart.restart}::smallint, ${input.autorestart.attempt_count}::int,
                   ${input.autorestart.delay}::int, ${initialAutorestartStatus(input.autorestart.restart)}, ${input.status}
            WHERE ${group}::text IS NULL OR EXISTS (SELECT 1 FROM g)
            RETURNING stream_id, account_id, status, version, create_time
          ), log AS (
            INSERT INTO stream_logs (stream_id, account_id, status, version, log_time)
            SELECT stream_id, account_id, status, version, create_time FROM s
          ), link AS (
            INSERT INTO stream_groups (stream_id, group_id) SELECT s.stream_id, g.group_id FROM s, g
          )
          SELECT stream_id::text AS stream_id, version FROM s`;
      } catch (error) {
        // The group was deleted between the lookup and the link.
        if (group !== null && sqlState(error) === '23503') throw errors.groupNameNotFound(group);
        throw error;
      }
      const created = rows[0];
      if (!created) throw errors.groupNameNotFound(group ?? '');
      return created;
    },

    /** One prepared statement, groups included: dashboards and agents read streams often. */
    async get(streamId: string, accountId?: string): Promise<StreamObject> {
      const { rows } = await pool.query<StreamRow & { groups: string[] }>({
        name: 'luna_get_stream',
        text: GET_STREAM_SQL,
        values: [streamId, accountId ?? null],
      });
      const row = rows[0];
      if (!row) throw errors.streamNotFound(streamId);
      return toStreamObject(row, row.groups);
    },

    async list(filters: StreamFilters, page: Page): Promise<StreamObject[]> {
      const rows = await prisma.stream.findMany({
        where: whereOf(filters),
        include: streamWithGroups,
        orderBy: [{ create_time: 'asc' }, { seq: 'asc' }],
        skip: (page.page - 1) * page.page_size,
        take: page.page_size,
      });
      return rows.map(toObject);
    },

    async count(filters: StreamFilters): Promise<number> {
      return prisma.stream.count({ where: whereOf(filters) });
    },

    /** Removes one stream; its logs stay (spec 6.8), its group links go with it. */
    async remove(streamId: string, accountId?: string): Promise<void> {
      const { count } = await prisma.stream.deleteMany({ where: { stream_id: streamId, account_id: accountId } });
      if (count === 0) throw errors.streamNotFound(streamId);
    },

    /** Bulk delete (spec 4.4): every stream whose id OR name is listed; unmatched entries are ignored. */
    async removeMany(selection: { stream_ids?: string[]; names?: string[] }, accountId?: string): Promise<number> {
      const anyOf: Prisma.StreamWhereInput[] = [];
      if (selection.stream_ids?.length) anyOf.push({ stream_id: { in: selection.stream_ids } });
      if (selection.names?.length) anyOf.push({ name: { in: selection.names } });
      if (anyOf.length === 0) return 0;
      const { count } = await prisma.stream.deleteMany({ where: { account_id: accountId, OR: anyOf } });
      return count;
    },
  });
}

export type StreamsRepository = ReturnType<typeof createStreamsRepository>;
