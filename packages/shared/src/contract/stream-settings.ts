import { z } from 'zod';
import { boundedNumber, boundedString, isStorableText, int, uuid } from './primitives';

// What a stream is set up with (spec sections 3.2-3.8): its source, its event handler, its
// processing policies, its location and its autorestart. Objects are closed (unknown keys are
// 12022) and every default of the spec is filled here, so what is stored is always fully expanded.

const rect = z.tuple([int(0), int(0), int(0), int(0)]);
// One schema (not a pipe), so OpenAPI shows its format: uri.
const url = z
  .url({ protocol: /^https?$/ })
  .max(1024)
  .refine(isStorableText, { message: 'contains a character that cannot be stored' });

const sourceFields = {
  reference: boundedString(256)
    .min(1)
    .describe('where the video comes from: a camera URL (rtsp, http), a video file path or URL, or a folder of images'),
  roi: rect
    .default([0, 0, 0, 0])
    .describe(
      'region of interest [x, y, width, height] in pixels, cut from each frame before detection; zeros: the whole frame',
    ),
  droi: rect
    .default([0, 0, 0, 0])
    .describe(
      'detection region [x, y, width, height], relative to roi: a face counts only inside it; zeros: everywhere',
    ),
  rotation: z
    .literal([0, 90, 180, 270])
    .default(0)
    .describe('clockwise rotation of each frame, in degrees, before processing'),
};

const sourceType = (type: string, what: string) => z.literal(type).describe(`the kind of source: ${what}`);

export const streamData = z.discriminatedUnion('type', [
  z.strictObject({ type: sourceType('udp', 'a live camera over RTSP with UDP transport'), ...sourceFields }),
  z.strictObject({ type: sourceType('tcp', 'a live camera over RTSP with TCP transport'), ...sourceFields }),
  z.strictObject({ type: sourceType('videofile', 'a video file, processed to its end'), ...sourceFields }),
  z.strictObject({
    type: sourceType('images', 'a folder of still images'),
    ...sourceFields,
    mask: boundedString(256).optional().describe('which files of the folder to read, as a file-name mask (*.jpg)'),
  }),
]);

const handlerRef = z.strictObject({ handler_id: uuid.describe('the id of the handler in LUNA PLATFORM') });

export const eventHandler = z.strictObject({
  origin: url.describe('the address of the LUNA PLATFORM API that receives the results'),
  api_version: int(1, 1000).default(6).describe('the version of the LUNA PLATFORM API used to send events'),
  bestshot_handler: handlerRef.describe('the handler that processes the best shots of faces and bodies'),
  detection_handler: handlerRef
    .nullable()
    .default(null)
    .describe('the handler that processes body detections; null when none'),
  frame_store: url.optional().describe('where the source frames of best shots are stored'),
  authorization: z
    .union([
      z.strictObject({ token: boundedString(4096).min(1).describe('a LUNA PLATFORM token') }),
      z.strictObject({ account_id: uuid.describe('the LUNA PLATFORM account to send as') }),
    ])
    .optional()
    .describe('how the agent authenticates with LUNA PLATFORM: a token or an account id'),
});

const unit = boundedNumber(0, 1);
const angle = int(0, 180);

export const policies = z.strictObject({
  sending: z
    .strictObject({
      time_period_of_searching: boundedNumber(-1, 1e9)
        .default(-1)
        .describe('how long to look for the best shot of a track, in units of type; -1: until the track ends'),
      silent_period: boundedNumber(0, 1e9).default(0).describe('how long to wait after sending, in units of type'),
      type: z.enum(['sec', 'frames']).default('sec').describe('the unit of the two periods: seconds or frames'),
      number_of_bestshots_to_send: int(1, 1_000_000).default(1).describe('how many best shots to send per track'),
      send_only_full_set: z
        .boolean()
        .default(true)
        .describe('send only when the full number of best shots has been collected'),
      delete_track_after_sending: z.boolean().default(false).describe('forget a track once its best shots are sent'),
    })
    .prefault({})
    .describe('when and how many best shots are sent'),
  primary_track_policy: z
    .strictObject({
      use_primary_track_policy: z
        .boolean()
        .default(false)
        .describe('follow only the largest face in the frame (an access-control camera)'),
      best_shot_min_size: int(0, 65536).default(70).describe('the smallest face, in pixels, that may be a best shot'),
      best_shot_proper_size: int(0, 65536)
        .default(140)
        .describe('the face size, in pixels, from which a best shot is sent at once'),
    })
    .prefault({})
    .describe('settings for following one main face'),
  liveness: z
    .strictObject({
      use_mask_liveness_filtration: z
        .boolean()
        .default(false)
        .describe('reject faces that fail the mask liveness check'),
      use_flying_faces_liveness_filtration: z
        .boolean()
        .default(false)
        .describe('reject faces that fail the flying-faces liveness check'),
      use_shoulders_liveness_filtration: z
        .boolean()
        .default(false)
        .describe('reject faces that fail the shoulders liveness check'),
      liveness_mode: z
        .literal([0, 1, 2])
        .default(0)
        .describe(
          'which frames are checked: 0 the best shot only, 1 the first frames of a track, 2 the frames of a track',
        ),
      number_of_liveness_checks: int(0, 1_000_000).default(0).describe('how many frames of a track are checked'),
      liveness_threshold: unit.default(0).describe('the score, 0 to 1, from which a face counts as live'),
      livenesses_weights: z
        .tuple([unit, unit, unit])
        .default([0, 0, 0])
        .describe('the weights, 0 to 1, of the mask, flying-faces and shoulders checks in the combined score'),
      mask_backgrounds_count: int(0, 1_000_000).default(0).describe('how many background frames the mask check uses'),
    })
    .prefault({})
    .describe('liveness checks applied to faces before they are sent'),
  filtering: z
    .strictObject({
      min_score: unit.default(0.5187).describe('the lowest quality score, 0 to 1, of a best shot'),
      detection_yaw_threshold: angle.default(40).describe('the largest head yaw, in degrees, of a best shot'),
      detection_pitch_threshold: angle.default(40).describe('the largest head pitch, in degrees, of a best shot'),
      detection_roll_threshold: angle.default(30).describe('the largest head roll, in degrees, of a best shot'),
      yaw_number: int(1, 1_000_000).default(1).describe('how many frames the yaw is averaged over'),
      yaw_collection_mode: z.boolean().default(false).describe('collect yaw over yaw_number frames before deciding'),
      mouth_occlusion_threshold: unit
        .default(0)
        .describe('the largest share, 0 to 1, of the mouth that may be covered; 0: no check'),
    })
    .prefault({})
    .describe('which detections may become best shots'),
  frame_processing_mode: z
    .enum(['auto', 'full', 'scale'])
    .default('auto')
    .describe('process full frames, scaled-down frames, or let the agent choose'),
  real_time_mode_fps: int(0, 1000)
    .default(0)
    .describe('frames per second to process from a video file; 0: every frame, as fast as possible'),
  ffmpeg_threads_number: int(0, 1024).default(0).describe('decoder threads; 0: chosen by the decoder'),
  healthcheck: z
    .strictObject({
      max_error_count: int(0).default(10).describe('how many read errors within period end the stream as failed'),
      period: int(0).default(3600).describe('the window, in seconds, in which read errors are counted'),
      retry_delay: int(0).default(5).describe('seconds between reconnection attempts'),
    })
    .prefault({})
    .describe('how a live source is reconnected after read errors'),
});

const place = (what: string) => boundedString(36).nullable().default(null).describe(what);
export const location = z.strictObject({
  city: place('the city'),
  area: place('the area within the city'),
  district: place('the district'),
  street: place('the street'),
  house_number: place('the house number'),
  geo_position: z
    .strictObject({
      latitude: boundedNumber(-90, 90).describe('degrees north (negative: south)'),
      longitude: boundedNumber(-180, 180).describe('degrees east (negative: west)'),
    })
    .nullable()
    .default(null)
    .describe('the camera position'),
});

export const autorestartSettings = z.strictObject({
  restart: z.literal([0, 1]).default(1).describe('1: a failed stream is queued again by itself; 0: it stays failed'),
  attempt_count: int(1).default(10).describe('how many restarts in a row are made before giving up'),
  delay: int(0).default(60).describe('seconds from a failure to its restart'),
});

export const AUTORESTART_STATUSES = ['disabled', 'enabled', 'in_progress', 'failed'] as const;
export type AutorestartStatus = (typeof AUTORESTART_STATUSES)[number];
