import { LOG_TARGETS, type LogRecord, type LogsQuery, type LogTarget } from '../contract/logs';
import type { PrismaClient } from './generated/client';
import { translatingErrors } from './translate';

// Stream logs are read-only here: every writer adds its rows in the statement that
// changes the stream. Logs have no foreign key, so those of deleted streams stay readable.

export function createStreamLogsRepository(prisma: PrismaClient) {
  return translatingErrors({
    /** GET /1/streams/logs: filters AND-ed, oldest first by (log_time, seq), restricted to `targets`. */
    async list(query: LogsQuery): Promise<Partial<LogRecord>[]> {
      const targets: readonly LogTarget[] = query.targets ?? LOG_TARGETS;
      const rows = await prisma.streamLog.findMany({
        where: {
          account_id: query.account_id,
          stream_id: query.stream_ids && { in: query.stream_ids },
          status: query.statuses && { in: query.statuses },
          log_time:
            query.log_time__gte || query.log_time__lt
              ? { gte: query.log_time__gte, lt: query.log_time__lt }
              : undefined,
        },
        orderBy: [{ log_time: 'asc' }, { seq: 'asc' }],
        skip: (query.page - 1) * query.page_size,
        take: query.page_size,
        select: { stream_id: true, status: true, error: true, video_info: true, log_time: true, version: true },
      });
      return rows.map((row) => {
        const full: LogRecord = {
          stream_id: row.stream_id,
          status: row.status as LogRecord['status'],
          error: row.error,
          video_info: (row.video_info ?? null) as LogRecord['video_info'],
          log_time: row.log_time.toISOString(),
          version: row.version,
        };
        // Keys in the record's own order, whatever order `targets` named them in.
        return Object.fromEntries(LOG_TARGETS.filter((t) => targets.includes(t)).map((t) => [t, full[t]]));
      });
    },
  });
}

export type StreamLogsRepository = ReturnType<typeof createStreamLogsRepository>;
