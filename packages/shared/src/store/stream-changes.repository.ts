import { errors } from '../contract/errors';
import type { StoredStatus } from '../contract/primitives';
import type { PatchStreamBody, StreamInput } from '../contract/streams';
import { initialAutorestartStatus } from '../domain/autorestart';
import { PUT } from '../domain/moves';
import { decidePatchStatus } from '../domain/status';
import { sqlState } from './db-errors';
import type { PrismaClient } from './generated/client';
import { translatingErrors } from './translate';

// PATCH and PUT of a stream (spec 4.7, 4.8). Each change is one statement that updates
// the row and writes its log rows, so a reader never sees one without the other.

/** How often a PATCH re-reads a stream that changed under it before giving up. */
const PATCH_ATTEMPTS = 20;

export function createStreamChangesRepository(prisma: PrismaClient) {
  return translatingErrors({
    /**
     * PATCH: the status rule is decided on a snapshot of the row, and the update only
     * applies while the row still has that snapshot's status and version. If an agent,
     * a job or another user moved the stream in between, the decision is made again on
     * what the stream is now: no lost update, no rule checked against stale data.
     */
    async patch(streamId: string, accountId: string | undefined, body: PatchStreamBody): Promise<void> {
      for (let attempt = 0; attempt < PATCH_ATTEMPTS; attempt++) {
        const row = await prisma.stream.findFirst({
          where: { stream_id: streamId, account_id: accountId },
          select: { status: true, version: true, data: true, autorestart_restart: true },
        });
        if (!row) throw errors.streamNotFound(streamId);
        const sourceType = (row.data as { type?: string }).type ?? '';
        const decision = body.status
          ? decidePatchStatus({ stream_id: streamId, status: row.status as StoredStatus, sourceType }, body.status)
          : { change: false as const };

        if (!decision.change) {
          if (body.description === undefined) return;
          const { count } = await prisma.stream.updateMany({
            where: { stream_id: streamId, account_id: accountId },
            data: { description: body.description },
          });
          if (count === 0) throw errors.streamNotFound(streamId);
          return;
        }

        // A status change by the user also resets the autorestart series (spec 6.4).
        const updated = await prisma.$queryRaw<{ stream_id: string }[]>`
          WITH u AS (
            UPDATE streams
               SET status = ${body.status},
                   version = version + ${decision.bumpVersion ? 1 : 0}::int,
                   description = COALESCE(${body.description ?? null}::varchar, description),
                   queued_at = CASE WHEN ${decision.requeue} THEN now() ELSE queued_at END,
                   autorestart_current_attempt = 0,
                   autorestart_status = ${initialAutorestartStatus(row.autorestart_restart as 0 | 1)},
                   autorestart_next_at = NULL
             WHERE stream_id = ${streamId}::uuid AND status = ${row.status} AND version = ${row.version}::int
            RETURNING stream_id, account_id, version, video_info
          ), log AS (
            INSERT INTO stream_logs (stream_id, account_id, status, version, video_info)
            SELECT u.stream_id, u.account_id, t.status, u.version, u.video_info
              FROM u, unnest(${decision.logs}::text[]) WITH ORDINALITY AS t(status, n)
             ORDER BY t.n
          )
          SELECT stream_id::text FROM u`;
        if (updated.length === 1) return;
      }
      throw errors.databaseUnavailable();
    },

    /**
     * PUT: replaces every user field and passes the stream through restart to the body's
     * status (the move PUT of domain/moves.ts), version + 1, autorestart series, last_error and video_info reset. One UPDATE:
     * concurrent PUTs queue on the row lock and each raises the version it finds.
     * `account_id` never changes: a body naming another account finds no stream (39001).
     */
    async replace(streamId: string, input: StreamInput): Promise<{ stream_id: string; version: number }> {
      const group = input.group_name ?? null;
      let rows: { version: number }[];
      try {
        rows = await prisma.$queryRaw<{ version: number }[]>`
          WITH g AS (
            SELECT group_id FROM groups WHERE account_id = ${input.account_id}::uuid AND group_name = ${group}
          ), u AS (
            UPDATE streams
               SET name = ${input.name}, description = ${input.description}, reference = ${input.data.reference},
                   data = ${JSON.stringify(input.data)}::jsonb,
                   event_handler = ${JSON.stringify(input.event_handler)}::jsonb,
                   policies = ${JSON.stringify(input.policies)}::jsonb,
                   location = ${JSON.stringify(input.location)}::jsonb,
                   autorestart_restart = ${input.autorestart.restart}::smallint,
                   autorestart_attempt_count = ${input.autorestart.attempt_count}::int,
                   autorestart_delay = ${input.autorestart.delay}::int,
                   autorestart_current_attempt = 0,
                   autorestart_last_attempt_time = NULL,
                   autorestart_status = ${initialAutorestartStatus(input.autorestart.restart)},
                   autorestart_next_at = NULL,
                   version = version + ${PUT[input.status].raisesVersion ? 1 : 0}::int,
                   status = ${input.status},
                   last_error = NULL,
                   video_info = NULL,
                   last_feedback_at = NULL,
                   queued_at = now()
             WHERE stream_id = ${streamId}::uuid AND account_id = ${input.account_id}::uuid
               AND (${group}::text IS NULL OR EXISTS (SELECT 1 FROM g))
            RETURNING stream_id, account_id, version
          ), log AS (
            INSERT INTO stream_logs (stream_id, account_id, status, version)
            SELECT u.stream_id, u.account_id, t.status, u.version
              FROM u, unnest(${PUT[input.status].chain}::text[]) WITH ORDINALITY AS t(status, n)
             ORDER BY t.n
          ), link AS (
            INSERT INTO stream_groups (stream_id, group_id) SELECT u.stream_id, g.group_id FROM u, g
            ON CONFLICT DO NOTHING
          )
          SELECT version FROM u`;
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
