import { LOG_TARGETS, type LogRecord, type LogsQuery, type LogTarget } from '../contract/logs';
import type { Database } from './database';
import { parameters, whereClause } from './stream-sql';
import { translatingErrors } from './translate';

// Stream logs are read-only here: every writer adds its rows in the statement that
// changes the stream. Logs have no foreign key, so those of deleted streams stay readable.

interface LogRow {
  stream_id: string;
  status: LogRecord['status'];
  error: string | null;
  video_info: unknown;
  log_time: Date;
  version: number;
}

/** The filters of spec 4.10 as SQL conditions on `l`, their values appended to `values`. */
function logConditions(query: LogsQuery, values: unknown[]): string[] {
  const param = parameters(values);
  const conditions: string[] = [];
  if (query.account_id) conditions.push(`l.account_id = ${param(query.account_id, '::uuid')}`);
  if (query.stream_ids) conditions.push(`l.stream_id = ANY(${param(query.stream_ids, '::uuid[]')})`);
  if (query.statuses) conditions.push(`l.status = ANY(${param(query.statuses, '::text[]')})`);
  if (query.log_time__gte) conditions.push(`l.log_time >= ${param(query.log_time__gte, '::timestamptz')}`);
  if (query.log_time__lt) conditions.push(`l.log_time < ${param(query.log_time__lt, '::timestamptz')}`);
  return conditions;
}

export function createStreamLogsRepository(db: Database) {
  return translatingErrors({
    /**
     * GET /1/streams/logs: filters AND-ed, oldest first by (log_time, seq), restricted to
     * `targets`. SQL through pg: dashboards poll it, and Prisma's own work per query cost
     * more than PostgreSQL's on the indexes of DESIGN.md section 7.
     */
    async list(query: LogsQuery): Promise<Partial<LogRecord>[]> {
      const targets: readonly LogTarget[] = query.targets ?? LOG_TARGETS;
      const values: unknown[] = [];
      const where = whereClause(logConditions(query, values));
      values.push(query.page_size, (query.page - 1) * query.page_size);
      const { rows } = await db.pool.query<LogRow>(
        `SELECT l.stream_id::text, l.status, l.error, l.video_info, l.log_time, l.version
           FROM stream_logs l ${where}
          ORDER BY l.log_time, l.seq LIMIT $${values.length - 1} OFFSET $${values.length}`,
        values,
      );
      // Keys in the record's own order, whatever order `targets` named them in.
      const keys = LOG_TARGETS.filter((t) => targets.includes(t));
      return rows.map((row) => {
        const full: LogRecord = {
          stream_id: row.stream_id,
          status: row.status,
          error: row.error,
          video_info: (row.video_info ?? null) as LogRecord['video_info'],
          log_time: row.log_time.toISOString(),
          version: row.version,
        };
        return Object.fromEntries(keys.map((t) => [t, full[t]]));
      });
    },
  });
}

export type StreamLogsRepository = ReturnType<typeof createStreamLogsRepository>;
