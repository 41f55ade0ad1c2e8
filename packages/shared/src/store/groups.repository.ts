import { errors } from '../contract/errors';
import type { CreateGroupBody, GroupFilters, GroupObject, LinkerBody } from '../contract/groups';
import { sqlState } from './db-errors';
import type { Database } from './database';
import type { Prisma } from './generated/client';
import { translatingErrors } from './translate';

// Groups (spec 4.14-4.19) and the linker (4.20). A group belongs to one account; its name
// is unique within the account; deleting it removes its links, never its streams.

interface GroupRow {
  group_id: string;
  account_id: string;
  group_name: string;
  description: string;
  create_time: Date;
}

export function toGroupObject(row: GroupRow): GroupObject {
  return {
    account_id: row.account_id,
    group_name: row.group_name,
    group_id: row.group_id,
    description: row.description,
    create_time: row.create_time.toISOString(),
  };
}

function whereOf(filters: GroupFilters): Prisma.GroupWhereInput {
  return {
    account_id: filters.account_id,
    group_id: filters.group_ids && { in: filters.group_ids },
    group_name: filters.group_names && { in: filters.group_names },
  };
}

/**
 * The linker in one statement: the group (of `account_id` when given), the listed streams
 * of the group's account (held with KEY SHARE so none is deleted meanwhile), and the
 * change, which applies only when every listed stream was found: all or nothing.
 */
const LINKER_SQL = `
  WITH g AS (
    SELECT group_id, account_id FROM groups WHERE group_id = $1 AND ($2::uuid IS NULL OR account_id = $2::uuid)
  ), s AS MATERIALIZED (
    SELECT stream_id FROM streams
     WHERE stream_id = ANY($3::uuid[]) AND account_id = (SELECT account_id FROM g)
       FOR KEY SHARE
  ), complete AS (
    SELECT EXISTS (SELECT 1 FROM g) AND (SELECT count(*) FROM s) = cardinality($3::uuid[]) AS ok
  ), attached AS (
    INSERT INTO stream_groups (stream_id, group_id)
    SELECT s.stream_id, g.group_id FROM s, g WHERE $4 = 'attach' AND (SELECT ok FROM complete)
    ON CONFLICT DO NOTHING
  ), detached AS (
    DELETE FROM stream_groups sg USING g
     WHERE $4 = 'detach' AND (SELECT ok FROM complete)
       AND sg.group_id = g.group_id AND sg.stream_id IN (SELECT stream_id FROM s)
  )
  SELECT EXISTS (SELECT 1 FROM g) AS group_found, ARRAY(SELECT stream_id::text FROM s) AS found`;

export function createGroupsRepository(db: Database) {
  const { prisma } = db;
  return translatingErrors({
    /** A duplicate name in the account is 409 39006, also when two creates race (unique index). */
    async create(body: CreateGroupBody): Promise<{ group_id: string; group_name: string }> {
      try {
        const row = await prisma.group.create({ data: body, select: { group_id: true, group_name: true } });
        return row;
      } catch (error) {
        if (sqlState(error) === '23505' || (error as { code?: string }).code === 'P2002') {
          throw errors.groupExists(body.group_name);
        }
        throw error;
      }
    },

    async get(groupId: string, accountId?: string): Promise<GroupObject> {
      const row = await prisma.group.findFirst({ where: { group_id: groupId, account_id: accountId } });
      if (!row) throw errors.groupNotFound(groupId);
      return toGroupObject(row);
    },

    async list(filters: GroupFilters, page: { page: number; page_size: number }): Promise<GroupObject[]> {
      const rows = await prisma.group.findMany({
        where: whereOf(filters),
        orderBy: [{ create_time: 'asc' }, { seq: 'asc' }],
        skip: (page.page - 1) * page.page_size,
        take: page.page_size,
      });
      return rows.map(toGroupObject);
    },

    async count(filters: GroupFilters): Promise<number> {
      return prisma.group.count({ where: whereOf(filters) });
    },

    async update(groupId: string, accountId: string | undefined, description: string): Promise<void> {
      const { count } = await prisma.group.updateMany({
        where: { group_id: groupId, account_id: accountId },
        data: { description },
      });
      if (count === 0) throw errors.groupNotFound(groupId);
    },

    /** Deletes the group and (by cascade) its links; the streams stay. */
    async remove(groupId: string, accountId?: string): Promise<void> {
      const { count } = await prisma.group.deleteMany({ where: { group_id: groupId, account_id: accountId } });
      if (count === 0) throw errors.groupNotFound(groupId);
    },

    async link(body: LinkerBody, accountId?: string): Promise<void> {
      const ids = [...new Set(body.stream_ids)];
      const { rows } = await db.pool.query<{ group_found: boolean; found: string[] }>(LINKER_SQL, [
        body.group_id,
        accountId ?? null,
        ids,
        body.action,
      ]);
      const { group_found, found } = rows[0]!;
      if (!group_found) throw errors.groupNotFound(body.group_id);
      const present = new Set(found);
      const missing = ids.find((id) => !present.has(id));
      if (missing !== undefined) throw errors.streamNotFound(missing);
    },
  });
}

export type GroupsRepository = ReturnType<typeof createGroupsRepository>;
