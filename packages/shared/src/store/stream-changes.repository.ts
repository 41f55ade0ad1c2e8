import { errors } from '../contract/errors';
import type { StoredStatus } from '../contract/primitives';
import type { PatchStreamBody, StreamInput } from '../contract/streams';
import { PUT } from '../domain/moves';
import { decidePatchStatus } from '../domain/status';
import { sqlState } from './db-errors';
import type { Database } from './database';
import { initialStatusSql } from './move-sql';
import { streamInputValues } from './stream-sql';
import { translatingErrors } from './translate';

// PATCH and PUT of a stream (spec 4.7, 4.8). Each change is one statement that updates
// the row and writes its log rows, so a reader never sees one without the other.

/**
 * A PATCH's status change, applied only while the row still has the status and version
 * the decision was made on. A status change by the user also resets the autorestart
 * series (spec 6.4). $1 stream, $2 status it was, $3 version it was, $4 new status,
 * $5 version step (0 or 1), $6 description or null, $7 re-queue, $8 log chain.
 */
const PATCH_STATUS_SQL = `
  WITH u AS (
    UPDATE streams
       SET status = $4::text,
           version = version + $5::int,
           description = COALESCE($6::varchar, description),
           queued_at = CASE WHEN $7::boolean THEN now() ELSE queued_at END,
           autorestart_current_attempt = 0,
           autorestart_status = ${initialStatusSql('autorestart_restart')},
           autorestart_next_at = NULL
     WHERE stream_id = $1::uuid AND status = $2::text AND version = $3::int
    RETURNING stream_id, account_id, version, video_info
  ), log AS (
    INSERT INTO stream_logs (stream_id, account_id, status, version, video_info)
    SELECT u.stream_id, u.account_id, t.status, u.version, u.video_info
      FROM u, unnest($8::text[]) WITH ORDINALITY AS t(status, n)
     ORDER BY t.n
  )
  SELECT stream_id::text FROM u`;

/**
 * PUT: every user field replaced, the move PUT of domain/moves.ts. $1 stream, $2 account,
 * $3 name, $4 description, $5 reference, $6-$9 data, event_handler, policies, location,
 * $10-$12 autorestart settings, $13 its initial status, $14 version step, $15 status,
 * $16 log chain, $17 group name or null.
 */
const PUT_SQL = `
  WITH g AS (
    SELECT group_id FROM groups WHERE account_id = $2::uuid AND group_name = $17::text
  ), u AS (
    UPDATE streams
       SET name = $3::text, description = $4::text, reference = $5::text,
           data = $6::jsonb, event_handler = $7::jsonb, policies = $8::jsonb, location = $9::jsonb,
           autorestart_restart = $10::smallint, autorestart_attempt_count = $11::int, autorestart_delay = $12::int,
           autorestart_current_attempt = 0, autorestart_last_attempt_time = NULL,
           autorestart_status = $13::text, autorestart_next_at = NULL,
           version = version + $14::int, status = $15::text,
           last_error = NULL, video_info = NULL, last_feedback_at = NULL, queued_at = now()
     WHERE stream_id = $1::uuid AND account_id = $2::uuid
       AND ($17::text IS NULL OR EXISTS (SELECT 1 FROM g))
    RETURNING stream_id, account_id, version
  ), log AS (
    INSERT INTO stream_logs (stream_id, account_id, status, version)
    SELECT u.stream_id, u.account_id, t.status, u.version
      FROM u, unnest($16::text[]) WITH ORDINALITY AS t(status, n)
     ORDER BY t.n
  ), link AS (
    INSERT INTO stream_groups (stream_id, group_id) SELECT u.stream_id, g.group_id FROM u, g
    ON CONFLICT DO NOTHING
  )
  SELECT version FROM u`;

/** How often a PATCH re-reads a stream that changed under it before giving up. */
const PATCH_ATTEMPTS = 20;

export function createStreamChangesRepository(db: Database) {
  const { prisma, pool } = db;
  return translatingErrors({
    /**
     * PATCH: the status rule is decided on a snapshot of the row, and the update only
     * applies while the row still has that snapshot's status and version. If an agent,
     * a job or another user moved the stream in between, the decision is made again on
     * what the stream is now: no lost update, no rule checked against stale data.
     */
    async patch(
      streamId: string,
      accountId: string | undefined,
      body: PatchStreamBody,
      expectedVersion?: number,
    ): Promise<void> {
      for (let attempt = 0; attempt < PATCH_ATTEMPTS; attempt++) {
        const row = await prisma.stream.findFirst({
          where: { stream_id: streamId, account_id: accountId },
          select: { status: true, version: true, data: true, autorestart_restart: true },
        });
        if (!row) throw errors.streamNotFound(streamId);
        // Both writes below hold only while the row keeps the version read here: a change in
        // between sends this loop round again, to this check.
        if (expectedVersion !== undefined && row.version !== expectedVersion) {
          throw errors.streamVersionChanged(streamId, expectedVersion, row.version);
        }
        const sourceType = (row.data as { type?: string }).type ?? '';
        const decision = body.status
          ? decidePatchStatus({ stream_id: streamId, status: row.status as StoredStatus, sourceType }, body.status)
          : { change: false as const };

        if (!decision.change) {
          if (body.description === undefined) return;
          const { count } = await prisma.stream.updateMany({
            where: { stream_id: streamId, account_id: accountId, version: expectedVersion },
            data: { description: body.description },
          });
          if (count === 1) return;
          if (expectedVersion === undefined) throw errors.streamNotFound(streamId);
          continue; // deleted, or its version moved: the next round tells which
        }

        const { rowCount } = await pool.query(PATCH_STATUS_SQL, [
          streamId,
          row.status,
          row.version,
          body.status,
          decision.bumpVersion ? 1 : 0,
          body.description ?? null,
          decision.requeue,
          decision.logs,
        ]);
        if (rowCount === 1) return;
      }
      throw errors.databaseUnavailable();
    },

    /**
     * PUT: replaces every user field and passes the stream through restart to the body's
     * status, version + 1, autorestart series, last_error and video_info reset. One
     * UPDATE: concurrent PUTs queue on the row lock and each raises the version it finds.
     * `account_id` never changes: a body naming another account finds no stream (39001).
     */
    async replace(streamId: string, input: StreamInput): Promise<{ stream_id: string; version: number }> {
      const group = input.group_name ?? null;
      let rows: { version: number }[];
      try {
        const put = PUT[input.status];
        ({ rows } = await pool.query<{ version: number }>(PUT_SQL, [
          streamId,
          ...streamInputValues(input),
          put.raisesVersion ? 1 : 0,
          input.status,
          put.chain,
          group,
        ]));
      } catch (error) {
        if (group !== null && sqlState(error) === '23503') throw errors.groupNameNotFound(group);
        throw error;
      }
      const replaced = rows[0];
      if (replaced) return { stream_id: streamId, version: replaced.version };
      const exists = await prisma.stream.count({ where: { stream_id: streamId, account_id: input.account_id } });
      throw exists === 0 ? errors.streamNotFound(streamId) : errors.groupNameNotFound(group ?? '');
    },
  });
}

export type StreamChangesRepository = ReturnType<typeof createStreamChangesRepository>;
