import { z } from 'zod';
import {
  accountId,
  groupName,
  page,
  pageSize,
  STORED_STATUSES,
  streamDescription,
  streamName,
  streamReference,
  streamStatus,
  time,
  uuid,
} from './primitives';
import { query } from './query';
import {
  streamData,
  eventHandler,
  policies,
  location,
  autorestartSettings,
  AUTORESTART_STATUSES,
} from './stream-settings';

// Request and response shapes of the streams resource (spec sections 3.9, 4.2-4.9); what a
// stream is set up with is in stream-settings.ts. Objects are closed (unknown keys are 12022)
// and every default of the spec is filled, so what is stored and returned is fully expanded.

/** Body of POST /1/streams and PUT /1/streams/{stream_id}. */
export const streamInput = z.strictObject({
  account_id: accountId.describe('the account the stream belongs to; agents use it with LUNA PLATFORM'),
  name: streamName.default('').describe('a name for people; names need not be unique'),
  description: streamDescription.default('').describe('free text about the stream'),
  data: streamData.describe('the video source: its kind, where it is, and which part of the frame to use'),
  event_handler: eventHandler.describe('where and how the agent sends what it finds'),
  policies: policies
    .prefault({})
    .describe('how the agent processes the stream; every setting left out takes its default'),
  location: location.prefault({}).describe('where the camera is; every place left out is null'),
  autorestart: autorestartSettings.prefault({}).describe('whether and how a failed stream is restarted'),
  status: z
    .enum(['pending', 'pause'])
    .default('pending')
    .describe('pending: queued for an agent at once; pause: stored without processing'),
  group_name: groupName.optional().describe('a group of the same account to attach the stream to'),
});
export type StreamInput = z.infer<typeof streamInput>;

/** Body of DELETE /1/streams: ids OR names, up to 1000 each. */
export const deleteStreamsBody = z.strictObject({
  stream_ids: z.array(uuid).max(1000).optional().describe('delete the streams with these ids'),
  names: z.array(streamName).max(1000).optional().describe('delete the streams with these names'),
});
export type DeleteStreamsBody = z.infer<typeof deleteStreamsBody>;

export const createdStream = z.object({
  stream_id: uuid.describe('the id of the stream'),
  version: z.int().describe('the version of the stream now: 1 after create, one more after each put'),
});
export type CreatedStream = z.infer<typeof createdStream>;

const timeOut = z.iso.datetime();

/** The stream object of spec 3.9, keys in the spec's order. */
export const streamObject = z.object({
  stream_id: uuid.describe('the id of the stream'),
  account_id: uuid.describe('the account the stream belongs to'),
  name: z.string().describe('the name of the stream'),
  description: z.string().describe('the description of the stream'),
  data: streamData.describe('the video source'),
  event_handler: eventHandler.describe('where and how the agent sends what it finds'),
  policies: policies.describe('how the agent processes the stream, every default filled in'),
  location: location.describe('where the camera is'),
  autorestart: autorestartSettings
    .extend({
      current_attempt: z.int().describe('how many restarts have been made since the stream last ran well'),
      last_attempt_time: timeOut.nullable().describe('when the last restart was made; null before the first'),
      status: z
        .enum(AUTORESTART_STATUSES)
        .describe('disabled (restart is 0), enabled, in_progress (a restart is due) or failed (attempts used up)'),
    })
    .describe('the restart settings and where the restarts stand'),
  version: z
    .int()
    .describe('rises whenever the stream is taken from its agent or replaced; an agent holds the version it was given'),
  create_time: timeOut.describe('when the stream was created'),
  status: z
    .enum(STORED_STATUSES)
    .describe('pending (queued), in_progress (an agent runs it), done, pause, cancel or failure'),
  last_error: z.string().nullable().describe('the error of the last failure; null until one, and after a new take'),
  video_info: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('what the agent last reported about the video (size, frame rate, progress); null until it reports'),
  groups: z.array(z.string()).describe('the names of the groups the stream is attached to'),
});
export type StreamObject = z.infer<typeof streamObject>;
export type StreamData = z.infer<typeof streamData>;

// Query parameters of the streams endpoints (spec 4.3-4.6, 4.9). Filters combine with AND;
// a list filter matches any of its values.
export const accountScope = z.object({ account_id: query.one(accountId).optional() });

export const streamFilters = accountScope.extend({
  stream_ids: query.list(uuid).optional(),
  names: query.list(streamName).optional(),
  reference: query.one(streamReference).optional(),
  statuses: query.list(streamStatus).optional(),
  create_time__gte: query.one(time).optional(),
  create_time__lt: query.one(time).optional(),
  group_name: query.one(groupName).optional(),
});
export type StreamFilters = z.infer<typeof streamFilters>;

export const listStreamsQuery = streamFilters.extend({
  page: query.int(page).default(1),
  page_size: query.int(pageSize).default(10),
});
export type ListStreamsQuery = z.infer<typeof listStreamsQuery>;

/**
 * Query of PATCH /1/streams/{stream_id}: `version` makes the change conditional (not in the
 * original; DESIGN.md section 4): an agent that hands back the stream it holds never takes it
 * from an agent that took it since (taking it away, by handler_lost or a PATCH, raised the version).
 */
export const patchStreamQuery = accountScope.extend({
  // The column is a PostgreSQL integer.
  version: query.int(z.number().int().min(1).max(2_147_483_647)).optional(),
});
export type PatchStreamQuery = z.infer<typeof patchStreamQuery>;

/** Body of PATCH /1/streams/{stream_id} (spec 4.7): at least one field. */
export const patchStreamBody = z
  .strictObject({
    description: streamDescription.optional().describe('the new description'),
    status: z
      .enum(['pending', 'pause', 'cancel'])
      .optional()
      .describe('pending: queue it again; pause: stop it for now; cancel: stop it for good'),
  })
  .refine((body) => body.description !== undefined || body.status !== undefined, {
    message: 'at least one field must have a value',
  })
  .meta({ minProperties: 1 });
export type PatchStreamBody = z.infer<typeof patchStreamBody>;
