import { errors } from '../contract/errors';
import type { StreamFilters, StreamInput, StreamObject } from '../contract/streams';
import { sqlState } from './db-errors';
import type { Database } from './database';
import type { Prisma } from './generated/client';
import { toStreamObject, type StreamRow } from './stream-mapper';
import { STREAM_COLUMNS, streamConditions, streamInputValues, whereClause } from './stream-sql';
import { translatingErrors } from './translate';

export interface Page {
  page: number;
  page_size: number;
}

const GET_STREAM_SQL = `
  SELECT ${STREAM_COLUMNS}
    FROM streams s
   WHERE s.stream_id = $1 AND ($2::uuid IS NULL OR s.account_id = $2::uuid)`;

const CREATE_STREAM_SQL = `
  WITH g AS (
    SELECT group_id FROM groups WHERE account_id = $1::uuid AND group_name = $14::text
  ), s AS (
    INSERT INTO streams (account_id, name, description, reference, data, event_handler, policies, location,
                         autorestart_restart, autorestart_attempt_count, autorestart_delay, autorestart_status, status)
    SELECT $1::uuid, $2::text, $3::text, $4::text, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb,
           $9::smallint, $10::int, $11::int, $12::text, $13::text
    WHERE $14::text IS NULL OR EXISTS (SELECT 1 FROM g)
    RETURNING stream_id, account_id, status, version, create_time
  ), log AS (
    INSERT INTO stream_logs (stream_id, account_id, status, version, log_time)
    SELECT stream_id, account_id, status, version, create_time FROM s
  ), link AS (
    INSERT INTO stream_groups (stream_id, group_id) SELECT s.stream_id, g.group_id FROM s, g
  )
  SELECT stream_id::text AS stream_id, version FROM s`;

type StreamRowWithGroups = StreamRow & { groups: string[] };

export function createStreamsRepository(db: Database) {
  const { prisma, pool } = db;
  return translatingErrors({
    /**
     * Creates a stream, its first log row and its group link in one statement, so no
     * reader ever sees a stream without its creation log. An unknown group creates nothing.
     * A prepared statement through pg: the plan of this statement costs more than running it.
     */
    async create(input: StreamInput): Promise<{ stream_id: string; version: number }> {
      const group = input.group_name ?? null;
      let rows: { stream_id: string; version: number }[];
      try {
        ({ rows } = await pool.query<{ stream_id: string; version: number }>({
          name: 'luna_create_stream',
          text: CREATE_STREAM_SQL,
          values: [...streamInputValues(input), input.status, group],
        }));
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
      const { rows } = await pool.query<StreamRowWithGroups>({
        name: 'luna_get_stream',
        text: GET_STREAM_SQL,
        values: [streamId, accountId ?? null],
      });
      const row = rows[0];
      if (!row) throw errors.streamNotFound(streamId);
      return toStreamObject(row, row.groups);
    },

    /** GET /1/streams: one statement for the page, groups included, oldest first. */
    async list(filters: StreamFilters, page: Page): Promise<StreamObject[]> {
      const values: unknown[] = [];
      const where = whereClause(streamConditions(filters, values));
      values.push(page.page_size, (page.page - 1) * page.page_size);
      const { rows } = await pool.query<StreamRowWithGroups>(
        `SELECT ${STREAM_COLUMNS} FROM streams s ${where}
          ORDER BY s.create_time, s.seq LIMIT $${values.length - 1} OFFSET $${values.length}`,
        values,
      );
      return rows.map((row) => toStreamObject(row, row.groups));
    },

    async count(filters: StreamFilters): Promise<number> {
      const values: unknown[] = [];
      const where = whereClause(streamConditions(filters, values));
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM streams s ${where}`, values);
      return rows[0]!.n;
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
