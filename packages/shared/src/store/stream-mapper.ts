import {
  autorestartSettings,
  eventHandler,
  location,
  policies,
  streamData,
  type AutorestartStatus,
} from '../contract/stream-settings';
import type { StreamObject } from '../contract/streams';
import type { StoredStatus } from '../contract/primitives';

// Rows never reach res.json (DESIGN.md section 6): this builds the stream object of spec
// 3.9 in its key order. jsonb reorders keys, so each stored document is laid out again in
// its contract schema's order (and gets any default a later version added).

export interface StreamRow {
  stream_id: string;
  account_id: string;
  name: string;
  description: string;
  data: unknown;
  event_handler: unknown;
  policies: unknown;
  location: unknown;
  autorestart_restart: number;
  autorestart_attempt_count: number;
  autorestart_delay: number;
  autorestart_current_attempt: number;
  autorestart_last_attempt_time: Date | null;
  autorestart_status: string;
  version: number;
  create_time: Date;
  status: string;
  last_error: string | null;
  video_info: unknown;
}

type Template = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Rebuilds `value` with the keys in the template's order (the contract schema's output
 * order), recursively; a key the stored document lacks takes the template's default
 * (undefined: left out, for optional keys); unknown keys keep their place at the end.
 * Ten times cheaper than parsing the document again, which matters on lists of 100.
 */
function orderLike(template: unknown, value: unknown): unknown {
  if (!isObject(template) || !isObject(value)) return value === undefined ? template : value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(template)) {
    const ordered = orderLike(template[key], value[key]);
    if (ordered !== undefined) out[key] = ordered;
  }
  for (const key of Object.keys(value)) if (!(key in out)) out[key] = value[key];
  return out;
}

// Templates: each schema's output for a minimal input, so keys come in its order with its defaults.
const UUID = '00000000-0000-4000-8000-000000000000';
const DATA_TEMPLATES = new Map(
  (['udp', 'tcp', 'videofile', 'images'] as const).map((type) => [
    type,
    { ...streamData.parse({ type, reference: 'x' }), mask: undefined } as Template,
  ]),
);
const EVENT_HANDLER_TEMPLATE: Template = {
  ...eventHandler.parse({ origin: 'http://x', bestshot_handler: { handler_id: UUID } }),
  origin: undefined,
  bestshot_handler: undefined,
  frame_store: undefined,
  authorization: undefined,
};
const POLICIES_TEMPLATE = policies.parse({}) as Template;
const LOCATION_TEMPLATE = location.parse({}) as Template;
const AUTORESTART_TEMPLATE = autorestartSettings.parse({}) as Template;

/** geo_position defaults to null, so its own key order is applied only when it is there. */
function locationOf(value: unknown): unknown {
  const out = orderLike(LOCATION_TEMPLATE, value) as Record<string, unknown>;
  if (isObject(out.geo_position)) {
    out.geo_position = orderLike({ latitude: undefined, longitude: undefined }, out.geo_position);
  }
  return out;
}

function dataOf(value: unknown): unknown {
  const type = isObject(value) ? String(value.type) : '';
  const template = DATA_TEMPLATES.get(type as 'tcp');
  return template ? orderLike({ ...template, reference: undefined }, value) : value;
}

export function toStreamObject(row: StreamRow, groups: string[]): StreamObject {
  const settings = orderLike(AUTORESTART_TEMPLATE, {
    restart: row.autorestart_restart,
    attempt_count: row.autorestart_attempt_count,
    delay: row.autorestart_delay,
  }) as StreamObject['autorestart'];
  return {
    stream_id: row.stream_id,
    account_id: row.account_id,
    name: row.name,
    description: row.description,
    data: dataOf(row.data) as StreamObject['data'],
    event_handler: orderLike(EVENT_HANDLER_TEMPLATE, row.event_handler) as StreamObject['event_handler'],
    policies: orderLike(POLICIES_TEMPLATE, row.policies) as StreamObject['policies'],
    location: locationOf(row.location) as StreamObject['location'],
    autorestart: {
      ...settings,
      current_attempt: row.autorestart_current_attempt,
      last_attempt_time: row.autorestart_last_attempt_time?.toISOString() ?? null,
      status: row.autorestart_status as AutorestartStatus,
    },
    version: row.version,
    create_time: row.create_time.toISOString(),
    status: row.status as StoredStatus,
    last_error: row.last_error,
    video_info: (row.video_info ?? null) as StreamObject['video_info'],
    groups,
  };
}
