import { z } from 'zod';
import { accountId, page, pageSize, STREAM_STATUSES, time, uuid } from './primitives';
import { query } from './query';

// Stream logs (spec 3.11, 4.13): one record per status change, transient ones included.

export const LOG_TARGETS = ['stream_id', 'status', 'error', 'video_info', 'log_time', 'version'] as const;
export type LogTarget = (typeof LOG_TARGETS)[number];

export const logsQuery = z.object({
  account_id: query.one(accountId).optional(),
  stream_ids: query.list(uuid).optional(),
  statuses: query.list(z.enum(STREAM_STATUSES)).optional(),
  targets: query.list(z.enum(LOG_TARGETS)).optional(),
  log_time__gte: query.one(time).optional(),
  log_time__lt: query.one(time).optional(),
  page: query.int(page).default(1),
  page_size: query.int(pageSize).default(10),
});
export type LogsQuery = z.infer<typeof logsQuery>;

export const logRecord = z.object({
  stream_id: uuid.describe('the stream the record belongs to'),
  status: z.enum(STREAM_STATUSES).describe('the status the stream entered, transient ones included'),
  error: z.string().nullable().describe('the error reported with this change; null when none'),
  video_info: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('what the agent had reported about the video at that moment; null when nothing'),
  log_time: z.iso.datetime().describe('when the change was made, by the database clock'),
  version: z.int().describe('the version of the stream after the change'),
});
export type LogRecord = z.infer<typeof logRecord>;
