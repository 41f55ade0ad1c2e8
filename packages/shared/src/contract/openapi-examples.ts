// Examples of the OpenAPI document: a request and a success answer per operation, and a
// value per parameter. A test validates each one against the schema it illustrates, so an
// example cannot drift from the contract.

const STREAM_ID = '5b0e6c2d-8a41-4f7e-9c3b-71d2e8f4a6b9';
const OTHER_STREAM_ID = 'c7b6a5d4-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const ACCOUNT_ID = '557d54ec-29ad-4f3c-93b4-c9092ef12515';
const GROUP_ID = 'ee4c42b6-23ae-410e-a2aa-a4220e64ba4b';
const HANDLER_ID = '8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a';
const CREATED = '2026-03-11T09:11:41.674Z';

const streamInput = {
  account_id: ACCOUNT_ID,
  name: 'entrance-cam-1',
  description: 'main entrance, ground floor',
  data: { type: 'tcp', reference: 'rtsp://10.0.0.15:554/live/ch1', roi: [0, 0, 1920, 1080], rotation: 0 },
  event_handler: { origin: 'http://127.0.0.1:5000', api_version: 6, bestshot_handler: { handler_id: HANDLER_ID } },
  location: { city: 'Amsterdam', street: 'Damrak', house_number: '1' },
  autorestart: { restart: 1, attempt_count: 10, delay: 60 },
  status: 'pending',
  group_name: 'entrances',
};

const policies = {
  sending: {
    time_period_of_searching: -1,
    silent_period: 0,
    type: 'sec',
    number_of_bestshots_to_send: 1,
    send_only_full_set: true,
    delete_track_after_sending: false,
  },
  primary_track_policy: { use_primary_track_policy: false, best_shot_min_size: 70, best_shot_proper_size: 140 },
  liveness: {
    use_mask_liveness_filtration: false,
    use_flying_faces_liveness_filtration: false,
    use_shoulders_liveness_filtration: false,
    liveness_mode: 0,
    number_of_liveness_checks: 0,
    liveness_threshold: 0,
    livenesses_weights: [0, 0, 0],
    mask_backgrounds_count: 0,
  },
  filtering: {
    min_score: 0.5187,
    detection_yaw_threshold: 40,
    detection_pitch_threshold: 40,
    detection_roll_threshold: 30,
    yaw_number: 1,
    yaw_collection_mode: false,
    mouth_occlusion_threshold: 0,
  },
  frame_processing_mode: 'auto',
  real_time_mode_fps: 0,
  ffmpeg_threads_number: 0,
  healthcheck: { max_error_count: 10, period: 3600, retry_delay: 5 },
};

const stream = {
  stream_id: STREAM_ID,
  account_id: ACCOUNT_ID,
  name: 'entrance-cam-1',
  description: 'main entrance, ground floor',
  data: {
    type: 'tcp',
    reference: 'rtsp://10.0.0.15:554/live/ch1',
    roi: [0, 0, 1920, 1080],
    droi: [0, 0, 0, 0],
    rotation: 0,
  },
  event_handler: {
    origin: 'http://127.0.0.1:5000',
    api_version: 6,
    bestshot_handler: { handler_id: HANDLER_ID },
    detection_handler: null,
  },
  policies,
  location: { city: 'Amsterdam', area: null, district: null, street: 'Damrak', house_number: '1', geo_position: null },
  autorestart: {
    restart: 1,
    attempt_count: 10,
    delay: 60,
    current_attempt: 0,
    last_attempt_time: null,
    status: 'enabled',
  },
  version: 2,
  create_time: CREATED,
  status: 'in_progress',
  last_error: null,
  video_info: { fps: 25, frame_width: 1920, frame_height: 1080 },
  groups: ['entrances'],
};

const group = {
  account_id: ACCOUNT_ID,
  group_name: 'entrances',
  group_id: GROUP_ID,
  description: 'every entrance camera',
  create_time: CREATED,
};

export interface OperationExamples {
  /** The request body; operations without one illustrate their request by PARAMETER_EXAMPLES. */
  request?: unknown;
  /** The success answer's body (none for 204 and 302). */
  response?: unknown;
}

export const OPERATION_EXAMPLES: Record<string, OperationExamples> = {
  getVersion: { response: { Version: { api: 1, major: 0, minor: 0, patch: 2 } } },
  getHealth: { response: { execution_time: 0.004 } },
  getConfig: {
    response: {
      LUNA_STREAMS_LOGGER: { log_level: 'INFO', log_to_stdout: 1, log_to_file: 0 },
      STREAM_STATUS_OBSOLETING_PERIOD: 20,
      STREAM_STATUS_OBSOLETING_INTERVAL: 5,
    },
  },
  getMetrics: { response: 'luna_streams_streams{status="pending"} 12\n' },
  getOpenApi: { response: 'openapi: 3.1.0\ninfo:\n  title: Luna-Streams API\n  version: v.0.0.2\n' },
  getDevManual: {},
  createStream: { request: streamInput, response: { stream_id: STREAM_ID, version: 1 } },
  getStreams: { response: { streams: [stream] } },
  deleteStreams: { request: { stream_ids: [STREAM_ID], names: ['old-camera'] } },
  countStreams: { response: { streams_count: 146 } },
  getStreamsLogs: {
    response: {
      logs: [
        { stream_id: STREAM_ID, status: 'pending', error: null, video_info: null, log_time: CREATED, version: 1 },
        {
          stream_id: STREAM_ID,
          status: 'in_progress',
          error: null,
          video_info: null,
          log_time: '2026-03-11T09:11:42.003Z',
          version: 1,
        },
      ],
    },
  },
  followStreamsEvents: {
    response:
      'retry: 2000\n\nid: 42\nevent: status\ndata: {"seq":42,"stream_id":"' +
      STREAM_ID +
      '","account_id":"' +
      ACCOUNT_ID +
      '","status":"done","version":2,"error":null,"video_info":null,"log_time":"' +
      CREATED +
      '"}\n\n',
  },
  getStreamsQueue: { response: { streams: [{ ...stream, status: 'pending', video_info: null }] } },
  takeStreamsFromQueue: { request: { filters: {}, limit: 4 }, response: { streams: [stream] } },
  postStreamsFeedback: {
    request: {
      streams: [
        { stream_id: STREAM_ID, status: 'in_progress', version: 2, video_info: { fps: 25, progress: 0.4 } },
        {
          stream_id: OTHER_STREAM_ID,
          status: 'failure',
          version: 1,
          error: 'Failed to open stream: Connection refused',
        },
      ],
    },
    response: {
      streams: {
        [STREAM_ID]: { status: 'in_progress', version: 2 },
        [OTHER_STREAM_ID]: { status: 'failure', version: 1 },
      },
    },
  },
  getStream: { response: stream },
  updateStream: { request: { description: 'paused for maintenance', status: 'pause' } },
  putStream: { request: streamInput, response: { stream_id: STREAM_ID, version: 3 } },
  removeStream: {},
  createGroup: {
    request: { account_id: ACCOUNT_ID, group_name: 'entrances', description: 'every entrance camera' },
    response: { group_id: GROUP_ID, group_name: 'entrances' },
  },
  getGroups: { response: [group] },
  countGroups: { response: { groups_count: 7 } },
  getGroup: { response: group },
  updateGroup: { request: { description: 'entrance cameras of both buildings' } },
  removeGroup: {},
  linkStreams: { request: { action: 'attach', stream_ids: [STREAM_ID, OTHER_STREAM_ID], group_id: GROUP_ID } },
};

/** A value per parameter name, shown in the document and validated against each parameter's schema. */
export const PARAMETER_EXAMPLES: Record<string, unknown> = {
  account_id: ACCOUNT_ID,
  stream_id: STREAM_ID,
  group_id: GROUP_ID,
  stream_ids: [STREAM_ID, OTHER_STREAM_ID],
  names: ['entrance-cam-1', 'lobby.mp4'],
  reference: 'rtsp://10.0.0.15:554/live/ch1',
  statuses: ['pending', 'in_progress'],
  create_time__gte: '2026-03-11T00:00:00Z',
  create_time__lt: '2026-03-12T00:00:00Z',
  group_name: 'entrances',
  page: 1,
  page_size: 10,
  targets: ['stream_id', 'status', 'log_time'],
  log_time__gte: '2026-03-11T00:00:00Z',
  log_time__lt: '2026-03-12T00:00:00Z',
  last_event_id: 42,
  limit: 4,
  group_ids: [GROUP_ID],
  webhook_id: '5b0e9a43-8c1f-4d2a-b6e7-3f9c1a2d4e58',
  delivery_id: 'a7d3c2e1-6b5f-4e8d-9c0a-1b2c3d4e5f60',
  states: ['pending', 'failed'],
  group_names: ['entrances', 'parking'],
  version: 3,
};
