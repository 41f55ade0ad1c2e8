import { z } from 'zod';
import {
  accountId,
  boundedNumber,
  boundedString,
  groupName,
  isStorableText,
  int,
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

// Request and response shapes of the streams resource (spec sections 3.2-3.9, 4.2-4.9).
// Objects are closed (unknown keys are 12022) and every default of the spec is filled
// here, so what is stored and returned is always fully expanded.

const rect = z.tuple([int(0), int(0), int(0), int(0)]);
// One schema (not a pipe), so OpenAPI shows its format: uri.
const url = z
  .url({ protocol: /^https?$/ })
  .max(1024)
  .refine(isStorableText, { message: 'contains a character that cannot be stored' });

const sourceFields = {
  reference: boundedString(256).min(1),
  roi: rect.default([0, 0, 0, 0]),
  droi: rect.default([0, 0, 0, 0]),
  rotation: z.literal([0, 90, 180, 270]).default(0),
};

export const streamData = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('udp'), ...sourceFields }),
  z.strictObject({ type: z.literal('tcp'), ...sourceFields }),
  z.strictObject({ type: z.literal('videofile'), ...sourceFields }),
  z.strictObject({ type: z.literal('images'), ...sourceFields, mask: boundedString(256).optional() }),
]);

const handlerRef = z.strictObject({ handler_id: uuid });

export const eventHandler = z.strictObject({
  origin: url,
  api_version: int(1, 1000).default(6),
  bestshot_handler: handlerRef,
  detection_handler: handlerRef.nullable().default(null),
  frame_store: url.optional(),
  authorization: z
    .union([z.strictObject({ token: boundedString(4096).min(1) }), z.strictObject({ account_id: uuid })])
    .optional(),
});

const unit = boundedNumber(0, 1);
const angle = int(0, 180);

export const policies = z.strictObject({
  sending: z
    .strictObject({
      time_period_of_searching: boundedNumber(-1, 1e9).default(-1),
      silent_period: boundedNumber(0, 1e9).default(0),
      type: z.enum(['sec', 'frames']).default('sec'),
      number_of_bestshots_to_send: int(1, 1_000_000).default(1),
      send_only_full_set: z.boolean().default(true),
      delete_track_after_sending: z.boolean().default(false),
    })
    .prefault({}),
  primary_track_policy: z
    .strictObject({
      use_primary_track_policy: z.boolean().default(false),
      best_shot_min_size: int(0, 65536).default(70),
      best_shot_proper_size: int(0, 65536).default(140),
    })
    .prefault({}),
  liveness: z
    .strictObject({
      use_mask_liveness_filtration: z.boolean().default(false),
      use_flying_faces_liveness_filtration: z.boolean().default(false),
      use_shoulders_liveness_filtration: z.boolean().default(false),
      liveness_mode: z.literal([0, 1, 2]).default(0),
      number_of_liveness_checks: int(0, 1_000_000).default(0),
      liveness_threshold: unit.default(0),
      livenesses_weights: z.tuple([unit, unit, unit]).default([0, 0, 0]),
      mask_backgrounds_count: int(0, 1_000_000).default(0),
    })
    .prefault({}),
  filtering: z
    .strictObject({
      min_score: unit.default(0.5187),
      detection_yaw_threshold: angle.default(40),
      detection_pitch_threshold: angle.default(40),
      detection_roll_threshold: angle.default(30),
      yaw_number: int(1, 1_000_000).default(1),
      yaw_collection_mode: z.boolean().default(false),
      mouth_occlusion_threshold: unit.default(0),
    })
    .prefault({}),
  frame_processing_mode: z.enum(['auto', 'full', 'scale']).default('auto'),
  real_time_mode_fps: int(0, 1000).default(0),
  ffmpeg_threads_number: int(0, 1024).default(0),
  healthcheck: z
    .strictObject({
      max_error_count: int(0).default(10),
      period: int(0).default(3600),
      retry_delay: int(0).default(5),
    })
    .prefault({}),
});

const place = boundedString(36).nullable().default(null);
export const location = z.strictObject({
  city: place,
  area: place,
  district: place,
  street: place,
  house_number: place,
  geo_position: z
    .strictObject({ latitude: boundedNumber(-90, 90), longitude: boundedNumber(-180, 180) })
    .nullable()
    .default(null),
});

export const autorestartSettings = z.strictObject({
  restart: z.literal([0, 1]).default(1),
  attempt_count: int(1).default(10),
  delay: int(0).default(60),
});

export const AUTORESTART_STATUSES = ['disabled', 'enabled', 'in_progress', 'failed'] as const;
export type AutorestartStatus = (typeof AUTORESTART_STATUSES)[number];

/** Body of POST /1/streams and PUT /1/streams/{stream_id}. */
export const streamInput = z.strictObject({
  account_id: accountId,
  name: streamName.default(''),
  description: streamDescription.default(''),
  data: streamData,
  event_handler: eventHandler,
  policies: policies.prefault({}),
  location: location.prefault({}),
  autorestart: autorestartSettings.prefault({}),
  status: z.enum(['pending', 'pause']).default('pending'),
  group_name: groupName.optional(),
});
export type StreamInput = z.infer<typeof streamInput>;

/** Body of DELETE /1/streams: ids OR names, up to 1000 each. */
export const deleteStreamsBody = z.strictObject({
  stream_ids: z.array(uuid).max(1000).optional(),
  names: z.array(streamName).max(1000).optional(),
});
export type DeleteStreamsBody = z.infer<typeof deleteStreamsBody>;

export const createdStream = z.object({ stream_id: uuid, version: z.int() });
export type CreatedStream = z.infer<typeof createdStream>;

const timeOut = z.iso.datetime();

/** The stream object of spec 3.9, keys in the spec's order. */
export const streamObject = z.object({
  stream_id: uuid,
  account_id: uuid,
  name: z.string(),
  description: z.string(),
  data: streamData,
  event_handler: eventHandler,
  policies,
  location,
  autorestart: autorestartSettings.extend({
    current_attempt: z.int(),
    last_attempt_time: timeOut.nullable(),
    status: z.enum(AUTORESTART_STATUSES),
  }),
  version: z.int(),
  create_time: timeOut,
  status: z.enum(STORED_STATUSES),
  last_error: z.string().nullable(),
  video_info: z.record(z.string(), z.unknown()).nullable(),
  groups: z.array(z.string()),
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

/** Body of PATCH /1/streams/{stream_id} (spec 4.7): at least one field. */
export const patchStreamBody = z
  .strictObject({
    description: streamDescription.optional(),
    status: z.enum(['pending', 'pause', 'cancel']).optional(),
  })
  .refine((body) => body.description !== undefined || body.status !== undefined, {
    message: 'at least one field must have a value',
  })
  .meta({ minProperties: 1 });
export type PatchStreamBody = z.infer<typeof patchStreamBody>;
