import { z } from 'zod';
import { accountId, groupName, STREAM_STATUSES, uuid } from './primitives';
import { query } from './query';

// The live feed of stream log rows (GET /1/streams/events): Server-Sent Events, one
// `status` event per matching row in seq order. Filters as on GET /1/streams/logs, plus
// group_name as on GET /1/streams.

/** A seq as Last-Event-ID or last_event_id: a non-negative integer. */
export const EVENT_ID_PATTERN = /^[0-9]{1,15}$/;

export const eventsQuery = z.object({
  account_id: query.one(accountId).optional(),
  stream_ids: query.list(uuid).optional(),
  statuses: query.list(z.enum(STREAM_STATUSES)).optional(),
  group_name: query.one(groupName).optional(),
  last_event_id: query.int(z.int().min(0)).optional(),
});
export type EventsQuery = z.infer<typeof eventsQuery>;
export type EventsFilter = Omit<EventsQuery, 'last_event_id'>;

/** The data of an `event: status`: the row as GET /1/streams/logs returns it, with its seq. */
export const statusEvent = z.object({
  seq: z.int().describe('the position of the record in the log; also the event id to resume after'),
  stream_id: uuid.describe('the stream the record belongs to'),
  account_id: uuid.describe('the account of the stream'),
  status: z.enum(STREAM_STATUSES).describe('the status the stream entered, transient ones included'),
  version: z.int().describe('the version of the stream after the change'),
  error: z.string().nullable().describe('the error reported with this change; null when none'),
  video_info: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('what the agent had reported about the video at that moment; null when nothing'),
  log_time: z.iso.datetime().describe('when the change was made, by the database clock'),
});
export type StatusEvent = z.infer<typeof statusEvent>;

/** How the text/event-stream answer reads, for the OpenAPI document. */
export const EVENT_STREAM_DESCRIPTION = [
  'Server-Sent Events. Starts with `retry: 2000`; then one event per matching stream log row, in seq order:',
  '`id: <seq>`, `event: status`, `data: <StatusEvent as one line of JSON>`.',
  'When the rows after Last-Event-ID were removed by log retention, the first event is `event: reset`',
  'with data the oldest seq still kept. A comment line `: ping` at least every EVENTS_PING_INTERVAL seconds.',
  'Resume with the Last-Event-ID header (or last_event_id): every matching row after that seq, no gap, no repeat.',
].join(' ');
